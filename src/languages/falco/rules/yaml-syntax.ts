import { defineRule } from '../../../core/rule.js';

export const yamlSyntax = defineRule({
  meta: {
    id: 'falco/yaml-syntax',
    severity: 'error',
    type: 'problem',
    description: 'A rules file that is not valid YAML.',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        "Falco refuses to start when a rules file does not parse. The message is the YAML parser's; fix the syntax at the position shown.",
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
    falcoCode: 'LOAD_ERR_YAML_PARSE',
  },
  messages: {
    parse: '{{detail}}',
  },
});
