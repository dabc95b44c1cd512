import { defineRule } from '../../../core/rule.js';

export const invalidDefinition = defineRule({
  meta: {
    id: 'falco/invalid-definition',
    severity: 'error',
    type: 'problem',
    description:
      "A list, macro, rule or exception that Falco's loader refuses: an append or override with nothing to apply to, a rule redefined with another source, exception fields, comps and values that do not match.",
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        "These are Falco's LOAD_ERR_VALIDATE results. Appends and overrides need an earlier definition (in an earlier file, or a baseline file named in chs.yaml); exceptions need `fields`, `comps` of the same length and values of the same shape.",
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
    falcoCode: 'LOAD_ERR_VALIDATE',
  },
  messages: { message: '{{message}}' },
});
