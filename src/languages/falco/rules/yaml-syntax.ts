import { RULES_FILE, SHELL_RULE } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const yamlSyntax = defineRule({
  meta: {
    id: 'falco/yaml-syntax',
    severity: 'error',
    type: 'problem',
    description: 'A rules file that is not valid YAML.',
    remediation:
      'Correct the YAML at the position shown: indentation, a closing quote, a `:` followed by a space.',
    docs: {
      rationale:
        "Falco refuses to start when a rules file does not parse. The message is the YAML parser's; fix the syntax at the position shown.",
      bad: [
        {
          path: RULES_FILE,
          text: `- rule: Shell in container
  desc: a shell started in a container
  condition: evt.type = execve and proc.name = bash
  output: "shell in a container (command=%proc.cmdline
  priority: WARNING
`,
        },
      ],
      good: [{ path: RULES_FILE, text: SHELL_RULE }],
    },
    falcoCode: 'LOAD_ERR_YAML_PARSE',
  },
  messages: {
    parse: '{{detail}}',
    template:
      "{{detail}}: '{{directive}}' is a template directive, not YAML; Falco reads the file the template renders, so lint that file (helm template, terraform's templatefile) or keep the rules in a rules file of their own",
  },
});
