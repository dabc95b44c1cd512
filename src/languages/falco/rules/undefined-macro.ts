import { defineRule } from '../../../core/rule.js';

export const undefinedMacro = defineRule({
  meta: {
    id: 'falco/undefined-macro',
    severity: 'error',
    type: 'problem',
    description: 'A condition that uses a macro no file defines before it.',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        'A bare name in a condition is a macro reference. Macros are visible from their definition onwards. Rules written for the official ruleset use its macros (`spawned_process`, `container`, `open_write`...): name the official rules file (or a baseline of your own) under `falco.baseline` in chs.yaml so that it is loaded first.',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
    falcoCode: 'LOAD_ERR_VALIDATE',
  },
  messages: {
    undefined: "Undefined macro '{{name}}' used in filter.{{hint}}",
  },
});
