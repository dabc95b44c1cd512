import { RULES_FILE, falcoRule } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const appendNoValues = defineRule({
  meta: {
    id: 'falco/append-no-values',
    severity: 'warning',
    type: 'suggestion',
    description: 'An exception appended or overridden without values.',
    remediation: 'Give the appended exception the `values` to add, or remove the append.',
    docs: {
      rationale: 'An exception override without `values` adds nothing.',
      bad: [
        {
          path: RULES_FILE,
          text:
            falcoRule('evt.type = execve and proc.name = bash', {
              extra:
                '  exceptions:\n    - name: known_shells\n      fields: [proc.pname]\n      values: [[sshd]]\n',
            }) +
            `- rule: Shell in container
  exceptions:
    - name: known_shells
  override:
    exceptions: append
`,
        },
      ],
      good: [
        {
          path: RULES_FILE,
          text:
            falcoRule('evt.type = execve and proc.name = bash', {
              extra:
                '  exceptions:\n    - name: known_shells\n      fields: [proc.pname]\n      values: [[sshd]]\n',
            }) +
            `- rule: Shell in container
  exceptions:
    - name: known_shells
      values: [[login]]
  override:
    exceptions: append
`,
        },
      ],
    },
    falcoCode: 'LOAD_APPEND_NO_VALUES',
  },
  messages: {
    noValues: 'Overriding/appending exception with no values',
  },
});
