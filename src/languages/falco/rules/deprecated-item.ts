import { defineRule } from '../../../core/rule.js';

export const deprecatedItem = defineRule({
  meta: {
    id: 'falco/deprecated-item',
    severity: 'warning',
    type: 'suggestion',
    description: 'A deprecated construct: the `append` key, the standalone `enabled` key, `%container.info`.',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        'Use `override` with `append` or `replace` per key instead of `append: true` and standalone `enabled`; drop `%container.info` (the container plugin adds its fields to the output).',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
    falcoCode: 'LOAD_DEPRECATED_ITEM',
  },
  messages: { message: '{{message}}' },
});
