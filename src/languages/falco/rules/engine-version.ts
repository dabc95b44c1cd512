import { RULES_FILE, SHELL_RULE } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const engineVersion = defineRule({
  meta: {
    id: 'falco/engine-version',
    severity: 'error',
    type: 'problem',
    description: 'A `required_engine_version` newer than the Falco engine chs checks against.',
    remediation:
      'Lower `required_engine_version` to what the rules need, or upgrade Falco on the nodes first.',
    docs: {
      rationale:
        'The rules file needs a newer Falco than chs assumes (engine 0.59.0, Falco 0.44). Lower the requirement or upgrade Falco.',
      bad: [
        {
          path: RULES_FILE,
          text:
            `- required_engine_version: 99.0.0
` + SHELL_RULE,
        },
      ],
      good: [
        {
          path: RULES_FILE,
          text:
            `- required_engine_version: 0.26.0
` + SHELL_RULE,
        },
      ],
    },
    falcoCode: 'LOAD_ERR_VALIDATE',
  },
  messages: {
    tooOld: 'Rules require engine version {{required}}, but engine version is {{engine}}',
  },
});
