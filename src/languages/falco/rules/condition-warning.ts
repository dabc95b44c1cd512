import { RULES_FILE, falcoRule } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const conditionWarning = defineRule({
  meta: {
    id: 'falco/condition-warning',
    severity: 'warning',
    type: 'suggestion',
    description:
      'A condition libsinsp compiles with a warning: a field name or transformer written as a string value, a regex a simpler operator would do.',
    remediation:
      'Compare two fields with `val()` (`proc.name = val(proc.pname)`); replace a regex that has no special characters with `=`, `contains`, `startswith` or `endswith`.',
    docs: {
      rationale:
        '`proc.name = proc.pname` compares with the string "proc.pname": write `val(proc.pname)` to compare two fields. A regex without special characters is slower than `=`, `contains`, `startswith` or `endswith`.',
      bad: [{ path: RULES_FILE, text: falcoRule('evt.type = execve and proc.name = proc.pname') }],
      good: [{ path: RULES_FILE, text: falcoRule('evt.type = execve and proc.name = val(proc.pname)') }],
    },
    falcoCode: 'LOAD_COMPILE_CONDITION',
  },
  messages: {
    trivialRegex:
      "regex check with '{{regex}}' may be optimized with simpler operators such as '=', 'contains', 'startswith', 'endswith'",
    fieldAsString: "'{{value}}' may be a valid field misused as a const string value",
    transformerAsString: "'{{value}}' may be a valid field transformer misused as a const string value",
  },
});
