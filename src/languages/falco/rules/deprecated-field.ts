import { defineRule } from '../../../core/rule.js';

export const deprecatedField = defineRule({
  id: 'falco/deprecated-field',
  type: 'suggestion',
  description: 'A field Falco 0.44 deprecates: `evt.dir`, `evt.latency*`, `evt.wait_latency`.',
  docs: 'Falco no longer captures enter events, so `evt.dir = <` is always true and `evt.dir = >` always false, and latency fields have no value. Falco 0.44 reports the use (LOAD_DEPRECATED_ITEM); remove the check.',
  defaultSeverity: 'warning',
  falcoCode: 'LOAD_DEPRECATED_ITEM',
  messages: { message: '{{message}}' },
});
