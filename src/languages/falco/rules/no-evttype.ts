import { defineRule } from '../../../core/rule.js';

export const noEvttype = defineRule({
  meta: {
    id: 'falco/no-evttype',
    severity: 'warning',
    type: 'suggestion',
    description: 'A syscall rule that matches too many event types (more than 100 event codes).',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        'Falco indexes rules by event type; a rule without an `evt.type` restriction (or with only negative ones) runs on every event, at a significant cost. Add `evt.type in (...)` (or use the official macros such as `spawned_process`, `open_write`).',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
    falcoCode: 'LOAD_NO_EVTTYPE',
  },
  messages: {
    tooMany: 'Rule matches too many evt.type values. This has a significant performance penalty.',
  },
});
