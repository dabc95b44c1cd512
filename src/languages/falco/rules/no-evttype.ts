import { defineRule } from '../../../core/rule.js';

export const noEvttype = defineRule({
  id: 'falco/no-evttype',
  type: 'suggestion',
  description: 'A syscall rule that matches too many event types (more than 100 event codes).',
  docs: 'Falco indexes rules by event type; a rule without an `evt.type` restriction (or with only negative ones) runs on every event, at a significant cost. Add `evt.type in (...)` (or use the official macros such as `spawned_process`, `open_write`).',
  defaultSeverity: 'warning',
  falcoCode: 'LOAD_NO_EVTTYPE',
  messages: { message: '{{message}}' },
});
