import { NGINX_RULES, PROFILE_FILE, profile } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const uncheckedInclude = defineRule({
  meta: {
    id: 'apparmor/unchecked-include',
    severity: 'info',
    type: 'suggestion',
    description:
      'An include or abi that the AppArmor distribution ships (abstractions, tunables, abi) but no include root provides where chs runs.',
    remediation:
      "Nothing to fix: to have chs check the include, point `--include-dir` or chs.yaml `apparmor.includeDirs` at a copy of the nodes' /etc/apparmor.d.",
    docs: {
      rationale:
        'CI images rarely have `/etc/apparmor.d`, but every node with AppArmor does: `include <abstractions/base>`, `<tunables/global>` or `abi <abi/3.0>` then cannot be checked here, yet will load there. Such an include is reported at info level instead of as `apparmor/missing-include`, the variables the shipped tunables define (`@{PROC}`, `@{HOME}`, ...) count as defined, and the rules inside it are not seen (a `chs test` case that fails says so). The list of what the distribution ships is generated from Debian\'s apparmor package (scripts/generate-apparmor-shipped.mjs). Pass `--include-dir` with a copy of the nodes\' `/etc/apparmor.d` to check them. A `"..."` include, or a `<...>` path the distribution does not ship, stays an `apparmor/missing-include` error.',
      bad: [
        {
          path: PROFILE_FILE,
          text:
            `include <tunables/global>

` + profile(NGINX_RULES),
        },
      ],
      good: [{ path: PROFILE_FILE, text: profile(NGINX_RULES) }],
    },
  },
  messages: {
    unchecked:
      "{{path}} not checked: no include root provides it here ({{roots}}); the nodes' /etc/apparmor.d will ({{source}} ships it)",
  },
});
