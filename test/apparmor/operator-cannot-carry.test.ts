/** apparmor/operator-cannot-carry: which profiles the Security Profiles Operator's template carries exactly. */
import { RuleTester } from '../helpers/rule-tester.js';

const chs = (
  operatorVersion = '1.0.0',
  delivery = 'security-profiles-operator',
): { path: string; text: string } => ({
  path: 'chs.yaml',
  text: `version: 1\ntargets:\n  - name: production\n    namespaces: [shop]\n    mode: block\n    delivery: ${delivery}\n    operatorVersion: "${operatorVersion}"\n`,
});

const DENIES = [
  '@{PROC}/* w',
  '@{PROC}/{[^1-9],[^1-9][^0-9],[^1-9s][^0-9y][^0-9s],[^1-9][^0-9][^0-9][^0-9]*}/** w',
  '@{PROC}/sys/[^k]** w',
  '@{PROC}/sys/kernel/{?,??,[^s][^h][^m]**} w',
  '@{PROC}/sysrq-trigger rwklx',
  '@{PROC}/mem rwklx',
  '@{PROC}/kmem rwklx',
  '@{PROC}/kcore rwklx',
  '/sys/firmware/efi/efivars/** rwklx',
]
  .map((rule) => `  deny ${rule},\n`)
  .join('');

/** The template filled in: line 4 is the first rule of `rules`. */
const template = (
  rules: string,
  { flags = 'attach_disconnected,mediate_deleted', denies = DENIES, name = 'web' } = {},
) => ({
  path: 'policies/apparmor/web',
  text: `include <tunables/global>\nprofile ${name} flags=(${flags}) {\n  include <abstractions/base>\n${rules}${denies}}\n`,
});

const reason = (why: string, name = 'web'): string =>
  `profile "${name}" stays with the loader on target production: ${why}; write it in the shape of the operator's template (docs/delivery.md) to deliver it as an AppArmorProfile`;

new RuleTester().run('apparmor/operator-cannot-carry', {
  valid: [
    {
      name: 'the template filled in',
      files: [
        chs(),
        template(
          '  /usr/sbin/nginx ixr,\n  /usr/lib/** mr,\n  /etc/nginx/** r,\n  deny /etc/nginx/** wlk,\n  /var/log/nginx/** wlk,\n  deny /var/log/nginx/** r,\n  /tmp/** rwlk,\n  network tcp,\n  network udp,\n  deny network raw,\n  capability net_bind_service setuid,\n',
        ),
      ],
    },
    {
      name: 'with sys_rawio, the mount rules and fsck the template adds',
      files: [
        chs(),
        template(
          '  capability sys_rawio,\n  /sbin/fsck ixr,\n  /sbin/fsck.ext4 ixr,\n  mount,\n  remount,\n  umount,\n',
        ),
      ],
    },
    {
      name: 'a target with the loader: nothing to carry',
      files: [
        chs('1.0.0', 'loader'),
        { path: 'policies/apparmor/web', text: 'profile web {\n  network inet tcp,\n}\n' },
      ],
    },
    {
      name: 'before v0.9.0 the operator takes any profile as text',
      files: [
        chs('0.8.4'),
        {
          path: 'policies/apparmor/web',
          text: 'profile web {\n  network inet tcp,\n  signal (receive) peer=unconfined,\n}\n',
        },
      ],
    },
  ],
  invalid: [
    {
      name: 'a network rule with a domain',
      files: [chs(), template('  network inet tcp,\n')],
      errors: [
        {
          line: 4,
          column: 3,
          message: reason(
            `"network inet tcp,": the operator's AppArmorProfile has no place for this network rule (it carries executables, libraries, file paths read, write or read-write, network raw, tcp and udp, and capabilities)`,
          ),
        },
      ],
    },
    {
      name: 'an owner rule',
      files: [chs('0.10.1'), template('  owner /tmp/** rw,\n')],
      errors: [
        {
          line: 4,
          column: 3,
          message: reason(
            `"owner /tmp/** rw,": the operator's AppArmorProfile has no place for this file rule (it carries executables, libraries, file paths read, write or read-write, network raw, tcp and udp, and capabilities)`,
          ),
        },
      ],
    },
    {
      name: 'permissions the template does not write',
      files: [chs(), template('  /var/log/** w,\n')],
      errors: [
        {
          line: 4,
          column: 3,
          message: reason('"/var/log/** w,": the operator writes paths as ixr, mr, r, wlk or rwlk only'),
        },
      ],
    },
    {
      name: 'a read-only path without its deny of writes',
      files: [chs(), template('  /etc/nginx/** r,\n')],
      errors: [
        {
          line: 4,
          column: 3,
          message: reason(
            'the operator adds "deny /etc/nginx/** wlk," after the read-only path "/etc/nginx/** r,"',
          ),
        },
      ],
    },
    {
      name: 'one of the deny rules the template adds is missing',
      files: [
        chs(),
        template('  /usr/sbin/nginx ixr,\n', { denies: DENIES.replace('  deny @{PROC}/kcore rwklx,\n', '') }),
      ],
      errors: [
        {
          line: 2,
          column: 9,
          message: reason(
            'the operator adds "deny @{PROC}/kcore rwklx," to every profile, and this one does not have it',
          ),
        },
      ],
    },
    {
      name: 'a flag the operator does not set',
      files: [chs(), template('', { flags: 'attach_disconnected,mediate_deleted,complain' })],
      errors: [
        {
          line: 2,
          column: 56,
          message: reason(
            "flags=(complain): the operator sets only enforce or complain (from the target's mode), attach_disconnected and mediate_deleted",
          ),
        },
      ],
    },
    {
      name: 'a name that is no object name',
      files: [chs(), template('', { name: 'Web_Server' })],
      errors: [
        {
          line: 2,
          column: 9,
          message: reason(
            'the operator loads a profile under its object\'s name, and "Web_Server" is not one (lower case letters, digits, "-" and ".")',
            'Web_Server',
          ),
        },
      ],
    },
    {
      name: 'before v0.9.0 too, one profile per object',
      files: [
        chs('0.8.4'),
        { path: 'policies/apparmor/web', text: 'profile web {\n}\nprofile other {\n}\n' },
      ],
      errors: [
        {
          line: 3,
          column: 1,
          message: reason('one AppArmorProfile object holds one profile; this file defines several'),
        },
      ],
    },
  ],
});
