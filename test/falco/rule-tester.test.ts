/** chs's own Falco checks (beyond Falco's loader), through the one rule tester. */
import { RuleTester } from '../helpers/rule-tester.js';

const F = 'policies/falco/rules.yaml';
const rule = (condition: string, name = 'Shell in container', extra = ''): string =>
  `- rule: ${name}\n  desc: d\n  condition: ${condition}\n  output: "o (command=%proc.cmdline)"\n  priority: WARNING\n${extra}`;
const tester = new RuleTester();

tester.run('falco/never-matches', {
  valid: [{ files: [{ path: F, text: rule('evt.type in (execve, openat) and proc.name = bash') }] }],
  invalid: [
    {
      name: 'contradicting event types',
      files: [{ path: F, text: rule('evt.type = execve and evt.type = openat') }],
      errors: [
        {
          line: 1,
          column: 9,
          message:
            "Rule 'Shell in container' can never match: evt.type cannot equal both 'execve' and 'openat'",
        },
      ],
    },
  ],
});

tester.run('falco/shadowed-rule', {
  valid: [
    {
      name: 'the narrower rule first',
      files: [
        {
          path: F,
          text:
            rule('evt.type = execve and proc.name = bash and user.name = root', 'Root shell') +
            rule('evt.type = execve and proc.name = bash'),
        },
      ],
    },
  ],
  invalid: [
    {
      files: [
        {
          path: F,
          text:
            rule('evt.type = execve and proc.name = bash') +
            rule('evt.type = execve and proc.name = bash and user.name = root', 'Root shell'),
        },
      ],
      errors: [
        {
          line: 6,
          column: 9,
          message:
            "Rule 'Root shell' can never fire under rule_matching: first: the earlier rule 'Shell in container' matches every event it matches",
        },
      ],
    },
  ],
});

tester.run('falco/glob-slash', {
  valid: [{ files: [{ path: F, text: rule('evt.type = open and fd.name glob /home/**/.ssh/id_rsa') }] }],
  invalid: [
    {
      files: [{ path: F, text: rule('evt.type = open and fd.name glob /home/*/.ssh/id_rsa') }],
      errors: [
        {
          line: 3,
          column: 47,
          message:
            "in Falco globs '*' also matches '/': '/home/*/.ssh/id_rsa' matches deeper paths than one directory level",
        },
      ],
    },
  ],
});

tester.run('falco/undefined-list-name', {
  valid: [
    {
      files: [
        {
          path: F,
          text: `- list: shell_binaries\n  items: [bash]\n${rule('evt.type = execve and proc.name in (shell_binaries)')}`,
        },
      ],
    },
  ],
  invalid: [
    {
      files: [{ path: F, text: rule('evt.type = execve and proc.name in (shell_binaries, zsh)') }],
      errors: [
        {
          line: 3,
          column: 50,
          message:
            "'shell_binaries' looks like a list name, but no list 'shell_binaries' is defined: Falco compares it as the literal string 'shell_binaries'",
        },
      ],
    },
  ],
});

tester.run('falco/unused-macro', {
  valid: [
    {
      files: [
        {
          path: F,
          text: `- macro: is_shell\n  condition: proc.name = bash\n${rule('evt.type = execve and is_shell')}`,
        },
      ],
    },
  ],
  invalid: [
    {
      files: [
        { path: F, text: `- macro: is_shell\n  condition: proc.name = bash\n${rule('evt.type = execve')}` },
      ],
      errors: [{ line: 1, column: 10, message: 'Macro not referred to by any other rule/macro' }],
    },
  ],
});
