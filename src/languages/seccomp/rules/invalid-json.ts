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
        {
          path: 'policies/seccomp/web.json',
          text: `{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{ "names": ["ptrace"], "action": "SCMP_ACT_ERRNO" },]
}
`,
        },
      ],
      good: [
        {
          path: 'policies/seccomp/web.json',
          text: `{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [
    { "names": ["ptrace", "kexec_load"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1 }
  ]
}
`,
        },
      ],
    },
  },
  messages: { syntax: '{{message}}' },
});
