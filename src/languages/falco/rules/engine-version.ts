import { defineRule } from '../../../core/rule.js';

export const engineVersion = defineRule({
  id: 'falco/engine-version',
  type: 'problem',
  description: 'A `required_engine_version` newer than the Falco engine chs checks against.',
  docs: 'The rules file needs a newer Falco than chs assumes (engine 0.59.0, Falco 0.44). Lower the requirement or upgrade Falco.',
  defaultSeverity: 'error',
  falcoCode: 'LOAD_ERR_VALIDATE',
  messages: { message: '{{message}}' },
});
