import { defineRule } from '../../../core/rule.js';

export const contradictoryControls = defineRule({
  id: 'pod-security/contradictory-controls',
  type: 'problem',
  description:
    "Controls that no pod can satisfy together, or that allow what the policy's own level forbids.",
  docs: [
    'A required profile with an empty allow list, an empty procMount list, host paths allowed while the',
    '`hostPath` volume type is not, a port range whose minimum is above its maximum: no pod passes. A control',
    'that allows what the level forbids (host ports under baseline, say) has no effect and misleads the reader.',
  ].join(' '),
  defaultSeverity: 'error',
  messages: {
    impossible: '{{what}}: no pod can satisfy this policy',
    levelForbids: '{{what}}, but level {{level}} forbids it: the control has no effect',
  },
});
