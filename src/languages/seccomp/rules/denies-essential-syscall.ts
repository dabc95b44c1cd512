import type { Range } from '../../../core/diagnostic.js';
import { defineRule } from '../../../core/rule.js';
import { BLOCKING_ACTIONS, PERMISSIVE_ACTIONS } from '../actions.js';
import { COMMON_NODE_ARCHES, ESSENTIAL_SYSCALLS } from '../essential.js';
import { evaluateSyscall } from '../evaluate.js';
import { entryNames, profileArches } from '../filter.js';
import type { SeccompCheckContext } from './context.js';
import { PROFILE_FILE, allowProfile } from './examples.js';

export const deniesEssentialSyscall = defineRule({
  meta: {
    id: 'seccomp/denies-essential-syscall',
    severity: 'error',
    type: 'problem',
    description:
      'A profile that blocks a system call every container needs to start, so no container can run under it.',
    remediation: 'Allow the system call the message names; deny only what the workload must not do.',
    docs: {
      rationale: `After the runtime loads the filter it still has to call \`execve\`, and every program then maps memory, reads, writes and exits. A profile that blocks one of ${ESSENTIAL_SYSCALLS.join(', ')} (Docker's default profile allows them all) leaves the container failing at start (often as "operation not permitted" from the runtime). The check is made for x86_64 and aarch64 nodes, or the profile's first architecture when it covers neither.`,
      bad: [
        {
          path: PROFILE_FILE,
          text: allowProfile(`[{ "names": ["ptrace", "mprotect"], "action": "SCMP_ACT_ERRNO" }]`),
        },
      ],
      good: [
        { path: PROFILE_FILE, text: allowProfile(`[{ "names": ["ptrace"], "action": "SCMP_ACT_ERRNO" }]`) },
      ],
    },
  },
  messages: {
    denied: '{{names}} {{verb}} {{action}} on {{arch}}: containers cannot start under this profile',
  },
  check: checkDeniesEssentialSyscall,
});

function checkDeniesEssentialSyscall({ profile, runtime, report }: SeccompCheckContext): void {
  if (!profile.defaultAction) return;
  const listed = profileArches(profile, runtime);
  let arches =
    listed.length === 0 ? [...COMMON_NODE_ARCHES] : COMMON_NODE_ARCHES.filter((a) => listed.includes(a));
  if (arches.length === 0) arches = listed.slice(0, 1);
  // A permissive rule with comparisons may let some calls through: not every start fails then.
  const partly = new Set<string>();
  for (const entry of profile.entries) {
    if (!entry.action || !PERMISSIVE_ACTIONS.has(entry.action.value) || entry.args.length === 0) continue;
    for (const name of entryNames(entry, runtime)) partly.add(name.value);
  }
  // One finding per deciding place (the default action, or a rule), naming every call it blocks.
  const found = new Map<string, { names: string[]; action: string; arch: string; range: Range }>();
  for (const name of ESSENTIAL_SYSCALLS) {
    if (partly.has(name)) continue;
    for (const arch of arches) {
      const result = evaluateSyscall(profile, { arch, syscall: name, runtime });
      if (!result.known || !BLOCKING_ACTIONS.has(result.action)) continue;
      const range = result.rule?.range ?? { start: profile.root.start, end: profile.root.start + 1 };
      const key = `${range.start}:${result.action}:${arch}`;
      const entry = found.get(key) ?? { names: [], action: result.action, arch, range };
      entry.names.push(name);
      found.set(key, entry);
      break;
    }
  }
  for (const { names, action, arch, range } of found.values()) {
    report({
      rule: deniesEssentialSyscall,
      messageId: 'denied',
      data: { names: names.join(', '), verb: names.length === 1 ? 'is' : 'are', action, arch },
      file: profile.file,
      range,
    });
  }
}
