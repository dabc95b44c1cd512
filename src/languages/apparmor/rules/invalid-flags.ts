import { NGINX_RULES, PROFILE_FILE, profile } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const invalidFlags = defineRule({
  meta: {
    id: 'apparmor/invalid-flags',
    severity: 'error',
    type: 'problem',
    description: 'Profile flags apparmor_parser rejects: unknown, contradictory or with a bad value.',
    remediation: 'Correct or remove the flag the message names; keep one mode per profile.',
    docs: {
      rationale:
        'A profile has at most one mode (`enforce`, `complain`, `kill`, `unconfined`, `prompt`, `default_allow`); `attach_disconnected`/`no_attach_disconnected`, `chroot_relative`/`namespace_relative`, `chroot_attach`/`chroot_no_attach` and `mediate_deleted`/`delegate_deleted` exclude each other. `kill.signal=` takes a signal name, `error=` an errno name such as `EPERM`, `attach_disconnected.path=` an absolute path.',
      bad: [
        { path: PROFILE_FILE, text: profile(NGINX_RULES, 'profile k8s-nginx flags=(attach_disconected)') },
      ],
      good: [
        { path: PROFILE_FILE, text: profile(NGINX_RULES, 'profile k8s-nginx flags=(attach_disconnected)') },
      ],
    },
  },
  messages: {
    unknown: 'unknown profile flag "{{name}}"{{hint}}',
    conflict: 'profile flags "{{a}}" and "{{b}}" contradict each other',
    value: 'invalid value for {{name}}: {{detail}}',
    empty: 'empty flags=() list',
  },
});
