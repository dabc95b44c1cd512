import { defineRule } from '../../../core/rule.js';
import type { SeccompCheckContext } from './context.js';
import { PROFILE_FILE, PTRACE_DENIED } from './examples.js';

export const schema = defineRule({
  meta: {
    id: 'seccomp/schema',
    severity: 'error',
    type: 'problem',
    description:
      'A seccomp profile whose keys or value types do not match the OCI / Docker format (schemas/seccomp.schema.json).',
    remediation:
      'Correct the key or value the message names (`schemas/seccomp.schema.json` describes the format; point your editor at it).',
    docs: {
      rationale:
        "Profiles are validated against schemas/seccomp.schema.json: the OCI runtime spec's seccomp object plus Docker's extensions and chs's `x-chs` hints. An unknown key is ignored by Go's JSON decoder, so a misspelt `syscals` silently drops every rule; a value of the wrong type makes the runtime refuse the profile. Keys given twice keep only the last value.",
      bad: [
        {
          path: PROFILE_FILE,
          text: `{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscals": [{ "names": ["ptrace"], "action": "SCMP_ACT_ERRNO" }]
}
`,
        },
      ],
      good: [{ path: PROFILE_FILE, text: PTRACE_DENIED }],
    },
  },
  messages: {
    invalid: '{{message}}',
    duplicateKey: '{{message}}',
    noNames: 'this rule names no system call (no "names"), so it matches nothing',
  },
  check: checkSchema,
});

function checkSchema({ profile, report }: SeccompCheckContext): void {
  for (const entry of profile.entries) {
    if (entry.names.length === 0 && entry.name === undefined) {
      report({
        rule: schema,
        messageId: 'noNames',
        file: profile.file,
        range: entry.keys.get('names') ?? entry.range,
      });
    }
  }
}
