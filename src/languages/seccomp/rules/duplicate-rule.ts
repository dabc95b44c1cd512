import { defineRule } from '../../../core/rule.js';
import type { SeccompCheckContext } from './context.js';
import { ruleGroups } from './groups.js';
import { PROFILE_FILE, allowProfile } from './examples.js';

export const duplicateRule = defineRule({
  meta: {
    id: 'seccomp/duplicate-rule',
    severity: 'warning',
    type: 'suggestion',
    description: 'A system call given again with the same comparisons and the same action.',
    remediation: 'Remove the repeated rule.',
    docs: {
      rationale:
        'A second rule that says what an earlier one already says changes nothing; remove it so that the next reader does not wonder which one counts. A rule with comparisons is also covered by a rule without comparisons for the same call and action.',
      bad: [
        {
          path: PROFILE_FILE,
          text: allowProfile(`[
    { "names": ["ptrace"], "action": "SCMP_ACT_ERRNO" },
    { "names": ["ptrace"], "action": "SCMP_ACT_ERRNO" }
  ]`),
        },
      ],
      good: [
        { path: PROFILE_FILE, text: allowProfile(`[{ "names": ["ptrace"], "action": "SCMP_ACT_ERRNO" }]`) },
      ],
    },
  },
  messages: {
    duplicate: '"{{name}}" already has this rule on line {{line}}',
    covered:
      '"{{name}}" is already {{action}} without comparisons on line {{line}}; these comparisons change nothing',
  },
  check: checkDuplicateRule,
});

function checkDuplicateRule({ profile, source, runtime, report }: SeccompCheckContext): void {
  for (const group of ruleGroups(profile, runtime)) {
    const decider = group.find((rule) => rule.comparisons.length === 0);
    const seen = new Map<string, (typeof group)[number]>();
    for (const rule of group) {
      const line = (other: (typeof group)[number]): number => source.position(other.name.range.start).line;
      if (decider && rule !== decider && rule.comparisons.length > 0 && rule.sameOutcome(decider)) {
        report({
          rule: duplicateRule,
          messageId: 'covered',
          data: { name: rule.name.value, action: decider.action, line: line(decider) },
          file: profile.file,
          range: rule.name.range,
        });
        continue;
      }
      const earlier = seen.get(rule.key);
      if (earlier && rule.sameOutcome(earlier)) {
        report({
          rule: duplicateRule,
          messageId: 'duplicate',
          data: { name: rule.name.value, line: line(earlier) },
          file: profile.file,
          range: rule.name.range,
        });
      }
      if (!earlier) seen.set(rule.key, rule);
    }
  }
}
