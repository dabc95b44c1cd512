import { PROFILE_FILE, profile } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const invalidPermissions = defineRule({
  meta: {
    id: 'apparmor/invalid-permissions',
    severity: 'error',
    type: 'problem',
    description:
      'A permission set apparmor_parser rejects: unknown letters, conflicting exec modes, w with a.',
    remediation:
      'Write the permissions apparmor_parser accepts: `r w a l k m` plus at most one exec mode, `w` or `a` but not both.',
    docs: {
      rationale:
        'File permissions are `r w a l k m` plus at most one exec mode (`ix`, `px`, `Px`, `ux`, `Ux`, `cx`, `Cx`, `pix`, `Pix`, `cix`, `Cix`, `pux`, `PUx`, `cux`, `CUx`). `w` already implies `a`; a bare `x` is only valid in deny rules, and deny rules take no exec mode. Other rules take their own access words (`send`, `receive`, `read`, `trace`, ...).',
      bad: [
        {
          path: PROFILE_FILE,
          text: profile(`  /usr/sbin/nginx mr,
  /var/log/nginx/** rwa,
`),
        },
      ],
      good: [
        {
          path: PROFILE_FILE,
          text: profile(`  /usr/sbin/nginx mr,
  /var/log/nginx/** rw,
`),
        },
      ],
    },
  },
  messages: {
    unknown: 'invalid permission "{{perm}}" in "{{mode}}"',
    conflict:
      'conflicting exec modes in "{{mode}}": a rule takes only one of ix, px, cx, ux (pix and cix combine them)',
    writeAppend: '"w" and "a" conflict in "{{mode}}": w already allows appending',
    bareExec: '"x" must be preceded by an exec mode (i, p, c or u) in "{{mode}}"',
    denyExec: 'deny rules take a bare "x", not the exec mode in "{{mode}}"',
    notFor: '"{{perm}}" is not a {{kind}} permission{{hint}}',
    conflictRules: 'exec mode {{mode}} conflicts with {{other}} for the same path at line {{line}}',
    target: 'only px, cx and pix-style exec transitions (and link) take "-> target"',
  },
});
