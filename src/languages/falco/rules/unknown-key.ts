import { RULES_FILE, falcoRule } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const unknownKey = defineRule({
  meta: {
    id: 'falco/unknown-key',
    severity: 'warning',
    type: 'problem',
    description: "A key that the item's type does not have.",
    remediation: 'Remove the key or correct its spelling; keep your own data in `tags` or a YAML comment.',
    docs: {
      rationale:
        'Falco ignores unknown keys; a typo (`prority`) or a key on the wrong item type (`priority` on a list) silently does nothing.',
      bad: [
        {
          path: RULES_FILE,
          text: falcoRule('evt.type = execve and proc.name = bash', { extra: '  owner: platform-team\n' }),
        },
      ],
      good: [
        {
          path: RULES_FILE,
          text: falcoRule('evt.type = execve and proc.name = bash', {
            extra: '  tags: [owner_platform_team]\n',
          }),
        },
      ],
    },
    falcoCode: 'LOAD_UNKNOWN_KEY',
  },
  messages: {
    unknown: "Unknown key '{{key}}'. The key will be ignored: a {{kind}} takes {{keys}}.",
    meant: "Unknown key '{{key}}'. The key will be ignored: did you mean '{{meant}}'?",
  },
});
