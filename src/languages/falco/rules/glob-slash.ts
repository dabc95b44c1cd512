import { defineRule } from '../../../core/rule.js';

export const globSlash = defineRule({
  meta: {
    id: 'falco/glob-slash',
    severity: 'warning',
    type: 'suggestion',
    description: 'A glob pattern written as if `*` stopped at `/`.',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        "In Falco's `glob`, `*` matches any characters including `/`: `/home/*/.ssh/*` also matches `/home/a/b/.ssh/c`. Add a check on `fd.directory` or use `startswith`/`endswith` if a single level is meant.",
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
  },
  messages: {
    star: "in Falco globs '*' also matches '/': '{{glob}}' matches deeper paths than one directory level",
  },
});
