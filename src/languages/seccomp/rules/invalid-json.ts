import { PROFILE_FILE, PTRACE_DENIED, allowProfile } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const invalidJson = defineRule({
  meta: {
    id: 'seccomp/invalid-json',
    severity: 'error',
    type: 'problem',
    description: 'A seccomp profile that is not valid JSON.',
    remediation:
      'Correct the JSON at the position shown: no comments, no trailing commas, double quotes only.',
    docs: {
      rationale:
        "runc, containerd and Docker read profiles with Go's JSON decoder: comments, trailing commas, single quotes and YAML are refused, and the container does not start. Fix the syntax at the position shown.",
      bad: [
        { path: PROFILE_FILE, text: allowProfile(`[{ "names": ["ptrace"], "action": "SCMP_ACT_ERRNO" },]`) },
      ],
      good: [{ path: PROFILE_FILE, text: PTRACE_DENIED }],
    },
  },
  messages: { syntax: '{{message}}' },
});
