import { RULES_FILE, falcoRule } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const deprecatedItem = defineRule({
  meta: {
    id: 'falco/deprecated-item',
    severity: 'warning',
    type: 'suggestion',
    description: 'A deprecated construct: the `append` key, the standalone `enabled` key, `%container.info`.',
    remediation:
      'Replace `append: true` with an `override:` entry (`items: append`, `condition: append`), and a standalone `enabled:` with `override: {enabled: replace}`.',
    docs: {
      rationale:
        'Use `override` with `append` or `replace` per key instead of `append: true` and standalone `enabled`; drop `%container.info` (the container plugin adds its fields to the output).',
      bad: [
        {
          path: RULES_FILE,
          text:
            `- list: shell_binaries
  items: [bash, sh]
- list: shell_binaries
  items: [zsh]
  append: true
` + falcoRule('evt.type = execve and proc.name in (shell_binaries)'),
        },
      ],
      good: [
        {
          path: RULES_FILE,
          text:
            `- list: shell_binaries
  items: [bash, sh]
- list: shell_binaries
  items: [zsh]
  override:
    items: append
` + falcoRule('evt.type = execve and proc.name in (shell_binaries)'),
        },
      ],
    },
    falcoCode: 'LOAD_DEPRECATED_ITEM',
  },
  messages: {
    append:
      "'append' key is deprecated. Add an 'append' entry (e.g. 'condition: append') under 'override' instead.",
    enabled:
      "The standalone 'enabled' key usage is deprecated. The correct approach requires also a 'replace' entry under the 'override' key (i.e. 'enabled: replace').",
    containerInfo:
      '%container.info is deprecated and no more useful, and will be dropped by Falco 1.0.0. The container plugin will automatically add required fields to the output message.',
  },
});
