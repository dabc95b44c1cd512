import { defineRule } from '../../../core/rule.js';

export const yamlSyntax = defineRule({
  id: 'falco/yaml-syntax',
  type: 'problem',
  description: 'A rules file that is not valid YAML.',
  docs: "Falco refuses to start when a rules file does not parse. The message is the YAML parser's; fix the syntax at the position shown.",
  defaultSeverity: 'error',
  falcoCode: 'LOAD_ERR_YAML_PARSE',
  messages: { message: '{{message}}' },
});
