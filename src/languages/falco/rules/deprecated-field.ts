import { RULES_FILE, SHELL_RULE, falcoRule } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const deprecatedField = defineRule({
  meta: {
    id: 'falco/deprecated-field',
    severity: 'warning',
    type: 'suggestion',
    description: 'A field Falco 0.44 deprecates: `evt.dir`, `evt.latency*`, `evt.wait_latency`.',
    remediation: 'Remove the check on the deprecated field; Falco 0.44 captures exit events only.',
    docs: {
      rationale:
        'Falco no longer captures enter events, so `evt.dir = <` is always true and `evt.dir = >` always false, and latency fields have no value. Falco 0.44 reports the use (LOAD_DEPRECATED_ITEM); remove the check.',
      bad: [{ path: RULES_FILE, text: falcoRule('evt.type = execve and evt.dir = < and proc.name = bash') }],
      good: [{ path: RULES_FILE, text: SHELL_RULE }],
    },
    falcoCode: 'LOAD_DEPRECATED_ITEM',
  },
  messages: {
    inCondition:
      "usage of deprecated field '{{field}}' has been detected in the rule condition: Falco 0.44 captures exit events only, so the check no longer tells events apart; remove it",
    inOutput:
      "usage of deprecated field '{{field}}' has been detected in the rule output: Falco 0.44 captures exit events only, so the field has no use there; remove it",
  },
});
