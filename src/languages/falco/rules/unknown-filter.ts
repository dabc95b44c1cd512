import { RULES_FILE, falcoRule } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const unknownFilter = defineRule({
  meta: {
    id: 'falco/unknown-filter',
    severity: 'warning',
    type: 'problem',
    description:
      'A rule with `skip-if-unknown-filter: true` that Falco skips because it names an unknown field or event type.',
    remediation:
      'Check the spelling of the field; if the rule is meant for newer Falco versions only, nothing is wrong.',
    docs: {
      rationale:
        'The rule will not run on this Falco. That is the purpose of the flag; check that the field is spelled right.',
      bad: [
        {
          path: RULES_FILE,
          text: falcoRule('evt.type = execve and proc.nme = bash', {
            extra: '  skip-if-unknown-filter: true\n',
          }),
        },
      ],
      good: [
        {
          path: RULES_FILE,
          text: falcoRule('evt.type = execve and proc.name = bash', {
            extra: '  skip-if-unknown-filter: true\n',
          }),
        },
      ],
    },
    falcoCode: 'LOAD_UNKNOWN_FILTER',
  },
  messages: {
    skipped: '{{detail}}',
  },
});
