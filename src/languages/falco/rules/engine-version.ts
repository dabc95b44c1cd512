import { defineRule } from '../../../core/rule.js';

export const engineVersion = defineRule({
  meta: {
    id: 'falco/engine-version',
    severity: 'error',
    type: 'problem',
    description: 'A `required_engine_version` newer than the Falco engine chs checks against.',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        'The rules file needs a newer Falco than chs assumes (engine 0.59.0, Falco 0.44). Lower the requirement or upgrade Falco.',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
    falcoCode: 'LOAD_ERR_VALIDATE',
  },
  messages: {
    tooOld: 'Rules require engine version {{required}}, but engine version is {{engine}}',
  },
});
