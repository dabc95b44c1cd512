import { defineRule } from '../../../core/rule.js';

export const unusedMacro = defineRule({
  meta: {
    id: 'falco/unused-macro',
    severity: 'warning',
    type: 'suggestion',
    description: 'A macro no rule or macro uses.',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale: 'Falco warns about macros that nothing refers to. Remove it, or use it.',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
    falcoCode: 'LOAD_UNUSED_MACRO',
  },
  messages: {
    unused: 'Macro not referred to by any other rule/macro',
  },
});
