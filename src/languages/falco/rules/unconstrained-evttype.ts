import { RULES_FILE, SHELL_RULE, falcoRule } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const unconstrainedEvttype = defineRule({
  meta: {
    id: 'falco/unconstrained-evttype',
    severity: 'warning',
    type: 'suggestion',
    description:
      "A syscall rule without an `evt.type` restriction whose `warn_evttypes: false` hides Falco's warning.",
    remediation: 'Add an `evt.type` check to the condition and remove `warn_evttypes: false`.',
    docs: {
      rationale:
        'The rule is evaluated for every system call event, which is expensive. Restrict `evt.type` unless matching everything is truly intended.',
      bad: [{ path: RULES_FILE, text: falcoRule('proc.name = bash', { extra: '  warn_evttypes: false\n' }) }],
      good: [{ path: RULES_FILE, text: SHELL_RULE }],
    },
  },
  messages: {
    everyEvent:
      "Rule '{{rule}}' does not restrict evt.type, so Falco evaluates it for every event; warn_evttypes: false only hides Falco's warning",
  },
});
