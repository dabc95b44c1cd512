import { RULES_FILE, falcoRule } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const invalidCondition = defineRule({
  meta: {
    id: 'falco/invalid-condition',
    severity: 'error',
    type: 'problem',
    description:
      "A condition that parses but does not compile: an operator that does not suit the field's type, a value that does not parse for it, a field argument missing or not allowed.",
    remediation:
      "Correct the comparison the message names: a value of the field's type, an operator the field supports, a field allowed on that side.",
    docs: {
      rationale:
        "libsinsp compiles the condition against the rule's event source: numeric fields take numbers and numeric operators, `bcontains` takes hex strings, IP fields take addresses or networks. Falco refuses to load such a rule.",
      bad: [{ path: RULES_FILE, text: falcoRule('evt.type = execve and proc.pid = bash') }],
      good: [{ path: RULES_FILE, text: falcoRule('evt.type = execve and proc.pid = 1') }],
    },
    falcoCode: 'LOAD_ERR_COMPILE_CONDITION',
  },
  messages: {
    field: '{{problem}}',
    noRhs: "filter error: field '{{field}}' can't be used on the right-hand side of a comparison",
    noTransformer: "filter error: field '{{field}}' does not support transformers",
    transformerType: "filter error: transformer '{{transformer}}' is not supported for field type '{{type}}'",
    comparison: 'filter error: {{problem}}',
    value: '{{problem}}',
    networkForAddress:
      "{{problem}}: '{{value}}' is a network and {{field}} holds one address; compare with {{netField}}, which takes networks and addresses ({{netField}} in (...))",
    undefinedList:
      "'{{value}}' is not a list defined before this rule, so Falco reads it as a value: {{problem}}.{{hint}}",
  },
});
