import { defineRule } from '../../../core/rule.js';

export const flowIndentation = defineRule({
  id: 'falco/flow-indentation',
  type: 'problem',
  description:
    'A line that continues a flow collection (`[...]`) or a quoted string with less indentation than its key: Falco accepts it, other YAML tools do not.',
  docs: "Falco reads rules files with yaml-cpp, which does not check indentation inside `[...]`, `{...}` or quoted strings: a line that continues `items: [a, b,` with less indentation than `items` is read as if it were indented, and its line break becomes one space. A value broken across lines (`/` then `usr/bin/systemctl`) therefore becomes `/ usr/bin/systemctl`, which matches nothing. Other YAML tools (editors, `yamllint`, Helm) refuse the file. Indent the continued line under its key and keep every value on one line.",
  defaultSeverity: 'warning',
  messages: { message: '{{message}}' },
});
