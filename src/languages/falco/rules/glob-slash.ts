import { defineRule } from '../../../core/rule.js';

export const globSlash = defineRule({
  id: 'falco/glob-slash',
  type: 'suggestion',
  description: 'A glob pattern written as if `*` stopped at `/`.',
  docs: "In Falco's `glob`, `*` matches any characters including `/`: `/home/*/.ssh/*` also matches `/home/a/b/.ssh/c`. Add a check on `fd.directory` or use `startswith`/`endswith` if a single level is meant.",
  defaultSeverity: 'warning',
  messages: { message: '{{message}}' },
});
