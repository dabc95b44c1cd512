import { RULES_FILE, SHELL_RULE } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const unknownItem = defineRule({
  meta: {
    id: 'falco/unknown-item',
    severity: 'warning',
    type: 'problem',
    description: 'A top-level item that is not a rule, macro, list or version requirement.',
    remediation:
      'Remove the item or correct its key: a rules file holds `rule`, `macro`, `list`, `required_engine_version` and `required_plugin_versions` items.',
    docs: {
      rationale:
        'Falco ignores such items; a typo in `rule:`, `macro:` or `list:` makes the whole item disappear.',
      bad: [
        {
          path: RULES_FILE,
          text:
            `- rulez: Shell in container
` + SHELL_RULE,
        },
      ],
      good: [{ path: RULES_FILE, text: SHELL_RULE }],
    },
    falcoCode: 'LOAD_UNKNOWN_ITEM',
  },
  messages: {
    unknown: 'Unknown top level item',
  },
});
