import { defineRule } from '../../../core/rule.js';

export const deprecatedField = defineRule({
  id: 'falco/deprecated-field',
  type: 'suggestion',
  description: 'A field Falco 0.44 deprecates: `evt.dir`, `evt.latency*`, `evt.wait_latency`.',
  docs: 'Falco no longer captures enter events, so `evt.dir = <` is always true and `evt.dir = >` always false, and latency fields have no value. Falco 0.44 prints a deprecation notice; remove the check.',
  defaultSeverity: 'warning',
  messages: { message: '{{message}}' },
});
