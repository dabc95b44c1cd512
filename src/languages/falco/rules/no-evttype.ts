import { RULES_FILE, SHELL_RULE, falcoRule } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const noEvttype = defineRule({
  meta: {
    id: 'falco/no-evttype',
    severity: 'warning',
    type: 'suggestion',
    description: 'A syscall rule that matches too many event types (more than 100 event codes).',
    remediation:
      'Start the condition with an `evt.type` check (`evt.type in (execve, execveat) and ...`), or set `warn_evttypes: false` if the rule really must see every event.',
    docs: {
      rationale:
        'Falco indexes rules by event type; a rule without an `evt.type` restriction (or with only negative ones) runs on every event, at a significant cost. Add `evt.type in (...)` (or use the official macros such as `spawned_process`, `open_write`).',
      bad: [{ path: RULES_FILE, text: falcoRule('proc.name = bash') }],
      good: [{ path: RULES_FILE, text: SHELL_RULE }],
    },
    falcoCode: 'LOAD_NO_EVTTYPE',
  },
  messages: {
    tooMany:
      'Rule matches too many evt.type values. This has a significant performance penalty. Start the condition with an evt.type check (evt.type in (execve, execveat), or the official spawned_process macro), or set warn_evttypes: false if the rule must see every event.',
    orOnTop:
      "Rule matches too many evt.type values. This has a significant performance penalty. '{{branch}}' is one side of an 'or' ('and' binds tighter than 'or') and matches every event type: put the alternatives in parentheses after the evt.type check.",
  },
});
