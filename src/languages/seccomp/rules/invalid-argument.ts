import { didYouMeanSuffix } from '../../../core/did-you-mean.js';
import { defineRule } from '../../../core/rule.js';
import { ARG_OPS, MAX_ARG_INDEX } from '../filter.js';
import type { SeccompCheckContext } from './context.js';
import { PROFILE_FILE, allowProfile } from './examples.js';

export const invalidArgument = defineRule({
  meta: {
    id: 'seccomp/invalid-argument',
    severity: 'error',
    type: 'problem',
    description: 'An argument comparison that the runtime refuses or reads differently from what it says.',
    remediation:
      'Give each comparison an `index` from 0 to 5, one of the `SCMP_CMP_*` operators and an unsigned 64-bit `value`.',
    docs: {
      rationale: [
        'Each comparison in `args` needs an `index` from 0 to 5, an `op` (SCMP_CMP_EQ, SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_GE, SCMP_CMP_GT or SCMP_CMP_MASKED_EQ) and a `value` that is an unsigned 64-bit integer; the runtime refuses anything else and the container does not start.',
        '',
        'Two comparisons on the same argument cannot be combined by libseccomp: runc then adds every comparison of the rule as a rule of its own, so they are OR-ed, not AND-ed (warning). `valueTwo` is only read by SCMP_CMP_MASKED_EQ (`(arg & value) == valueTwo`).',
      ].join('\n'),
      bad: [
        {
          path: PROFILE_FILE,
          text: allowProfile(`[
    {
      "names": ["personality"],
      "action": "SCMP_ACT_ERRNO",
      "args": [{ "index": 6, "value": 8, "op": "SCMP_CMP_EQ" }]
    }
  ]`),
        },
      ],
      good: [
        {
          path: PROFILE_FILE,
          text: allowProfile(`[
    {
      "names": ["personality"],
      "action": "SCMP_ACT_ERRNO",
      "args": [{ "index": 0, "value": 8, "op": "SCMP_CMP_EQ" }]
    }
  ]`),
        },
      ],
    },
  },
  messages: {
    op: 'unknown comparison "{{op}}"{{hint}}',
    index: 'argument index {{index}} is out of range: system calls have arguments 0 to {{max}}',
    value: '{{value}} is not an unsigned 64-bit integer',
    repeated:
      'argument {{index}} is compared more than once: runc then adds each comparison of this rule as a separate rule, so they are OR-ed, not AND-ed',
    valueTwo: 'valueTwo is ignored by {{op}}; only SCMP_CMP_MASKED_EQ reads it',
  },
  check: checkInvalidArgument,
});

function checkInvalidArgument({ profile, report }: SeccompCheckContext): void {
  const file = profile.file;
  for (const entry of profile.entries) {
    for (const bad of entry.badValues) {
      report({
        rule: invalidArgument,
        messageId: 'value',
        data: { value: bad.value },
        file,
        range: bad.range,
      });
    }
    const seen = new Set<number>();
    for (const arg of entry.args) {
      const op = arg.op.value;
      if (!(ARG_OPS as readonly string[]).includes(op)) {
        report({
          rule: invalidArgument,
          messageId: 'op',
          data: { op, hint: didYouMeanSuffix(op, ARG_OPS) },
          file,
          range: arg.op.range,
        });
      } else if (arg.valueTwo && op !== 'SCMP_CMP_MASKED_EQ' && arg.valueTwo.value !== 0n) {
        report({
          rule: invalidArgument,
          messageId: 'valueTwo',
          data: { op },
          file,
          range: arg.valueTwo.range,
          severity: 'warning',
        });
      }
      const index = arg.index.value;
      if (index < 0 || index > MAX_ARG_INDEX) {
        report({
          rule: invalidArgument,
          messageId: 'index',
          data: { index, max: MAX_ARG_INDEX },
          file,
          range: arg.index.range,
        });
      } else if (seen.has(index)) {
        report({
          rule: invalidArgument,
          messageId: 'repeated',
          data: { index },
          file,
          range: arg.index.range,
          severity: 'warning',
        });
      }
      seen.add(index);
    }
  }
}
