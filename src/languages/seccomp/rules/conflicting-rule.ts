import { defineRule } from '../../../core/rule.js';
import type { SeccompRule } from './context.js';
import { ruleGroups } from './groups.js';

export const conflictingRule = defineRule({
  id: 'seccomp/conflicting-rule',
  type: 'problem',
  description: 'Rules for the same system call that contradict each other.',
  docs: [
    'libseccomp decides each system call by its rules, and contradictions do not do what they seem to:',
    '',
    '- two rules without comparisons: the first one wins, the later one is dropped silently;',
    '- a rule without comparisons decides the call on its own: the rules with comparisons for that call are never checked (warning);',
    '- two rules with the same comparisons and different actions: libseccomp refuses the filter (EEXIST) and the container does not start.',
  ].join('\n'),
  defaultSeverity: 'error',
  messages: {
    ignored:
      '"{{name}}" is already {{action}} on line {{line}}: libseccomp keeps the first rule and drops this one',
    shadowed:
      '"{{name}}" is decided by the rule without comparisons on line {{line}} ({{action}}): these comparisons are never checked',
    refused:
      '"{{name}}" has the same comparisons with {{action}} on line {{line}}: libseccomp refuses the filter and the container does not start',
  },
});

export const conflictingRuleRule: SeccompRule = {
  definition: conflictingRule,
  check({ profile, source, runtime, report }) {
    for (const group of ruleGroups(profile, runtime)) {
      const decider = group.find((rule) => rule.comparisons.length === 0);
      const seen = new Map<string, (typeof group)[number]>();
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
        const earlier = seen.get(rule.key);
        if (earlier && !rule.sameOutcome(earlier)) {
          report({
            rule: conflictingRule,
            messageId: 'refused',
            data: data(earlier),
            file: profile.file,
            range: rule.name.range,
          });
        }
        if (!earlier) seen.set(rule.key, rule);
      }
    }
  },
};
