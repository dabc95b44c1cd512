import { RULES_FILE, falcoRule } from './examples.js';
import { defineRule } from '../../../core/rule.js';

const RULE = falcoRule('evt.type = openat and fd.name in (sensitive_reads)');

export const flowIndentation = defineRule({
  meta: {
    id: 'falco/flow-indentation',
    severity: 'warning',
    type: 'problem',
    description:
      'A line that continues a flow collection (`[...]`) or a quoted string with less indentation than its key: Falco accepts it, other YAML tools do not.',
    remediation:
      'Indent the continued line under its key, and keep every value on one line: a value broken across lines gets a blank where the line break was.',
    docs: {
      rationale:
        "Falco reads rules files with yaml-cpp, which does not check indentation inside `[...]`, `{...}` or quoted strings: a line that continues `items: [a, b,` with less indentation than `items` is read as if it were indented, and its line break becomes one blank. A path broken across lines (`/` then `usr/bin/systemctl`) becomes `/ usr/bin/systemctl`, which matches nothing. Other YAML tools (editors, yamllint, Helm) refuse the file.",
      bad: [
        {
          path: RULES_FILE,
          text: `- list: sensitive_reads\n  items: [/etc/shadow, /\n  etc/sudoers]\n${RULE}`,
        },
      ],
      good: [
        {
          path: RULES_FILE,
          text: `- list: sensitive_reads\n  items: [/etc/shadow,\n    /etc/sudoers]\n${RULE}`,
        },
      ],
    },
  },
  messages: {
    folded:
      "this line continues the line above with less indentation than its key: Falco's YAML reader accepts it and folds the line break into one blank, so the value is '{{value}}'; other YAML tools refuse the file. Indent the line under its key and write the value on one line",
    continued:
      "this line continues the line above with less indentation than its key: Falco's YAML reader accepts it; other YAML tools refuse the file. Indent the line under its key",
  },
});
