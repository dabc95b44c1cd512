import { defineRule } from '../../../core/rule.js';

export const deprecatedItem = defineRule({
  id: 'falco/deprecated-item',
  type: 'suggestion',
  description: 'A deprecated construct: the `append` key, the standalone `enabled` key, `%container.info`.',
  docs: 'Use `override` with `append` or `replace` per key instead of `append: true` and standalone `enabled`; drop `%container.info` (the container plugin adds its fields to the output).',
  defaultSeverity: 'warning',
  falcoCode: 'LOAD_DEPRECATED_ITEM',
  messages: { message: '{{message}}' },
});
