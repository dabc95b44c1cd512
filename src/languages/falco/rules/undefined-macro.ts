import { RULES_FILE, falcoRule } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const undefinedMacro = defineRule({
  meta: {
    id: 'falco/undefined-macro',
    severity: 'error',
    type: 'problem',
    description: 'A condition that uses a macro no file defines before it.',
    remediation:
      "Define the macro before the rule uses it, or load the file that defines it first: Falco's own macros (`spawned_process`, `container`, ...) come from falco_rules.yaml, which chs.yaml `falco.baseline` can load.",
    docs: {
      rationale:
        'A bare name in a condition is a macro reference. Macros are visible from their definition onwards. Rules written for the official ruleset use its macros (`spawned_process`, `container`, `open_write`...): name the official rules file (or a baseline of your own) under `falco.baseline` in chs.yaml so that it is loaded first.',
      bad: [{ path: RULES_FILE, text: falcoRule('spawned_process and proc.name = bash') }],
      good: [
        {
          path: RULES_FILE,
          text:
            `- macro: spawned_process
  condition: evt.type in (execve, execveat)
` + falcoRule('spawned_process and proc.name = bash'),
        },
      ],
    },
    falcoCode: 'LOAD_ERR_VALIDATE',
  },
  messages: {
    undefined: "Undefined macro '{{name}}' used in filter.{{hint}}",
  },
});
