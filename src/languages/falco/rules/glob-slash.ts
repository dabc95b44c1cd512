import { RULES_FILE, falcoRule } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const globSlash = defineRule({
  meta: {
    id: 'falco/glob-slash',
    severity: 'warning',
    type: 'suggestion',
    description: 'A glob pattern written as if `*` stopped at `/`.',
    remediation:
      'If one directory level is meant, add a check that pins the depth (`fd.directory`), or use `startswith` and `endswith`; if any depth is meant, write `**` to say so.',
    docs: {
      rationale:
        "In Falco's `glob`, `*` matches any characters including `/`: `/home/*/.ssh/*` also matches `/home/a/b/.ssh/c`. Add a check on `fd.directory` or use `startswith`/`endswith` if a single level is meant.",
      bad: [
        {
          path: RULES_FILE,
          text: falcoRule('evt.type in (open, openat) and fd.name glob /home/*/.ssh/id_rsa', {
            name: 'Read ssh key',
            output: '"ssh key read (file=%fd.name command=%proc.cmdline)"',
          }),
        },
      ],
      good: [
        {
          path: RULES_FILE,
          text: falcoRule(
            'evt.type in (open, openat) and fd.name startswith /home/ and fd.name endswith /.ssh/id_rsa',
            { name: 'Read ssh key', output: '"ssh key read (file=%fd.name command=%proc.cmdline)"' },
          ),
        },
      ],
    },
  },
  messages: {
    star: "in Falco globs '*' also matches '/': '{{glob}}' matches deeper paths than one directory level",
  },
});
