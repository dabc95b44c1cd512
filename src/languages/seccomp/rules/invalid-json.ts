import { defineRule } from '../../../core/rule.js';

export const invalidJson = defineRule({
  meta: {
    id: 'seccomp/invalid-json',
    severity: 'error',
    type: 'problem',
    description: 'A seccomp profile that is not valid JSON.',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        "runc, containerd and Docker read profiles with Go's JSON decoder: comments, trailing commas, single quotes and YAML are refused, and the container does not start. Fix the syntax at the position shown.",
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
  },
  messages: { syntax: '{{message}}' },
});
