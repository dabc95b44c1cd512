import { defineRule } from '../../../core/rule.js';
import type { SeccompCheckContext } from './context.js';
import { ruleGroups } from './groups.js';
import type { GroupedRule } from './groups.js';
import { PROFILE_FILE, allowProfile } from './examples.js';

/** Rules with comparisons compared pairwise per call; more are not checked (quadratic). */
const MAX_COMPARED = 500;

/** libseccomp chains a rule's comparisons by argument index: is `short`'s chain the start of `long`'s? */
function isPrefix(short: GroupedRule, long: GroupedRule): boolean {
  if (short.comparisonKeys.length >= long.comparisonKeys.length) return false;
  return short.comparisonKeys.every((key, i) => long.comparisonKeys[i] === key);
}

export const conflictingRule = defineRule({
  meta: {
    id: 'seccomp/conflicting-rule',
    severity: 'error',
    type: 'problem',
    description: 'Rules for the same system call that contradict each other.',
    remediation:
      'Give each system call one decision: remove the rule that is never reached, or merge the comparisons into one rule.',
    docs: {
      rationale: [
        'libseccomp decides each system call by its rules, and contradictions do not do what they seem to:',
        '',
        '- two rules without comparisons: the first one wins, the later one is dropped silently;',
        '- a rule without comparisons decides the call on its own: the rules with comparisons for that call are never checked (warning);',
        '- two rules with different actions where the comparisons of one are those of the other, or their first ones (libseccomp chains comparisons by argument index): libseccomp refuses the filter (EEXIST) and the container does not start.',
      ].join('\n'),
      bad: [
        {
          path: PROFILE_FILE,
          text: allowProfile(`[
    { "names": ["ptrace"], "action": "SCMP_ACT_ERRNO" },
    { "names": ["ptrace"], "action": "SCMP_ACT_KILL" }
  ]`),
        },
      ],
      good: [
        { path: PROFILE_FILE, text: allowProfile(`[{ "names": ["ptrace"], "action": "SCMP_ACT_KILL" }]`) },
      ],
    },
  },
  messages: {
    ignored:
      '"{{name}}" is already {{action}} on line {{line}}: libseccomp keeps the first rule and drops this one',
    shadowed:
      '"{{name}}" is decided by the rule without comparisons on line {{line}} ({{action}}): these comparisons are never checked',
    refused:
      '"{{name}}" has {{which}} comparisons with {{action}} on line {{line}}: libseccomp refuses the filter and the container does not start',
  },
  check: checkConflictingRule,
});

function checkConflictingRule({ profile, source, runtime, report }: SeccompCheckContext): void {
  for (const group of ruleGroups(profile, runtime)) {
    const decider = group.find((rule) => rule.comparisons.length === 0);
    const previous: GroupedRule[] = [];
    for (const rule of group) {
      const data = (other: (typeof group)[number]) => ({
        name: rule.name.value,
        action: other.action,
        line: source.position(other.name.range.start).line,
      });
      if (decider && rule !== decider && !rule.sameOutcome(decider)) {
        const unconditional = rule.comparisons.length === 0;
        report({
          rule: conflictingRule,
          messageId: unconditional ? 'ignored' : 'shadowed',
          data: data(decider),
          file: profile.file,
          range: rule.name.range,
          ...(unconditional ? {} : { severity: 'warning' as const }),
        });
        continue;
      }
      if (decider) continue;
      for (const earlier of previous) {
        if (rule.sameOutcome(earlier)) continue;
        const same = rule.key === earlier.key;
        if (!same && !isPrefix(rule, earlier) && !isPrefix(earlier, rule)) continue;
        report({
          rule: conflictingRule,
          messageId: 'refused',
          data: { ...data(earlier), which: same ? 'the same' : 'overlapping' },
          file: profile.file,
          range: rule.name.range,
        });
        break;
      }
      if (previous.length < MAX_COMPARED) previous.push(rule);
    }
  }
}
