import { defineRule } from '../../../core/rule.js';

export const invalidDefinition = defineRule({
  id: 'falco/invalid-definition',
  type: 'problem',
  description:
    "A list, macro, rule or exception that Falco's loader refuses: an append or override with nothing to apply to, a rule redefined with another source, exception fields, comps and values that do not match.",
  docs: "These are Falco's LOAD_ERR_VALIDATE results. Appends and overrides need an earlier definition (in an earlier file, or a baseline file named in chs.yaml); exceptions need `fields`, `comps` of the same length and values of the same shape.",
  defaultSeverity: 'error',
  falcoCode: 'LOAD_ERR_VALIDATE',
  messages: { message: '{{message}}' },
});
