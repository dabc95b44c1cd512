import { RULES_FILE, SHELL_RULE, falcoRule } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const shadowedRule = defineRule({
  meta: {
    id: 'falco/shadowed-rule',
    severity: 'warning',
    type: 'problem',
    description:
      'A rule that never fires under `rule_matching: first` because an earlier rule matches every event it matches.',
    remediation:
      'Put the narrower rule first, narrow the earlier rule (an exception, a stricter condition), or set `rule_matching: all` in chs.yaml if your Falco runs that way.',
    docs: {
      rationale:
        "With Falco's default `rule_matching: first`, only the first matching rule alerts. If an earlier rule's condition is implied by a later rule's, the later one never fires: reorder the rules or narrow the earlier one.",
      bad: [
        {
          path: RULES_FILE,
          text:
            SHELL_RULE +
            falcoRule('evt.type = execve and proc.name = bash and user.name = root', {
              name: 'Root shell in container',
            }),
        },
      ],
      good: [
        {
          path: RULES_FILE,
          text:
            falcoRule('evt.type = execve and proc.name = bash and user.name = root', {
              name: 'Root shell in container',
            }) + SHELL_RULE,
        },
      ],
    },
  },
  messages: {
    shadowed:
      "Rule '{{rule}}' can never fire under rule_matching: first: the earlier rule '{{earlier}}' matches every event it matches",
  },
});
