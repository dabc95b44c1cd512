import { defineRule } from '../../../core/rule.js';

export const unconstrainedEvttype = defineRule({
  id: 'falco/unconstrained-evttype',
  type: 'suggestion',
  description:
    "A syscall rule without an `evt.type` restriction whose `warn_evttypes: false` hides Falco's warning.",
  docs: 'The rule is evaluated for every system call event, which is expensive. Restrict `evt.type` unless matching everything is truly intended.',
  defaultSeverity: 'warning',
  messages: { message: '{{message}}' },
});
