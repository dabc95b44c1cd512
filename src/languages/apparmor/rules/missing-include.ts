import { defineRule } from '../../../core/rule.js';

export const missingInclude = defineRule({
  id: 'apparmor/missing-include',
  type: 'problem',
  description: 'An include that no include root provides.',
  docs: 'apparmor_parser fails when an `include` cannot be found. `<...>` includes are looked up in `--include-dir`, chs.yaml `apparmor.includeDirs` and `/etc/apparmor.d`; `"..."` includes relative to the working directory or the including file. Use `include if exists` for optional files.',
  defaultSeverity: 'error',
  messages: {
    missing:
      "cannot find include {{path}} (looked in {{roots}}): add the file to the repository under one of these, give its directory with --include-dir or chs.yaml's apparmor.includeDirs, or write 'include if exists' if it is optional",
    missingAbi: "cannot find abi {{path}} (looked in {{roots}}); the nodes' apparmor_parser needs it too",
    unreadable: 'cannot read include {{path}}: {{reason}}',
  },
});
