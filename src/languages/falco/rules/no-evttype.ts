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
      bad: [
        {
          path: 'policies/falco/rules.yaml',
          text: `- rule: Shell in container
  desc: a shell started in a container
  condition: proc.name = bash
  output: "shell in a container (command=%proc.cmdline user=%user.name)"
  priority: WARNING
`,
        },
      ],
      good: [
        {
          path: 'policies/falco/rules.yaml',
          text: `- rule: Shell in container
  desc: a shell started in a container
  condition: evt.type = execve and proc.name = bash
  output: "shell in a container (command=%proc.cmdline user=%user.name)"
  priority: WARNING
`,
        },
      ],
    },
    falcoCode: 'LOAD_NO_EVTTYPE',
  },
  messages: {
    tooMany: 'Rule matches too many evt.type values. This has a significant performance penalty.',
  },
});
