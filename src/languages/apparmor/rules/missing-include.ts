import { NGINX_RULES, PROFILE_FILE, profile } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const missingInclude = defineRule({
  meta: {
    id: 'apparmor/missing-include',
    severity: 'error',
    type: 'problem',
    description: 'An include that no include root provides.',
    remediation:
      'Add the file to the repository, add its directory with `--include-dir` or chs.yaml `apparmor.includeDirs`, or write `include if exists` for an optional file.',
    docs: {
      rationale:
        'apparmor_parser fails when an `include` cannot be found. `<...>` includes are looked up in `--include-dir`, chs.yaml `apparmor.includeDirs` and `/etc/apparmor.d`; `"..."` includes relative to the working directory or the including file. Use `include if exists` for optional files.',
      bad: [
        {
          path: PROFILE_FILE,
          text:
            `include "k8s-common"

` + profile(NGINX_RULES),
        },
      ],
      good: [
        {
          path: PROFILE_FILE,
          text:
            `include if exists "k8s-common"

` + profile(NGINX_RULES),
        },
      ],
    },
  },
  messages: {
    missing: 'cannot find include {{path}} (looked in {{roots}})',
    missingAbi: "cannot find abi {{path}} (looked in {{roots}}); the nodes' apparmor_parser needs it too",
    unreadable: 'cannot read include {{path}}: {{reason}}',
  },
});
