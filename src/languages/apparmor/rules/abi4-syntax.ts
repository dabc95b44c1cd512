import { defineRule } from '../../../core/rule.js';
import type { Range } from '../../../core/diagnostic.js';
import type { CheckContext } from './context.js';
import { NGINX_RULES, PROFILE_FILE, profile } from './examples.js';

export const abi4Syntax = defineRule({
  meta: {
    id: 'apparmor/abi4-syntax',
    severity: 'error',
    type: 'problem',
    description: 'AppArmor 4 syntax in a repository whose nodes run AppArmor 3 (chs.yaml apparmor.abi: 3).',
    remediation:
      'Rewrite the statement in AppArmor 3 syntax (a coarser rule, or none), or set `apparmor.abi: 4` in chs.yaml once every node runs AppArmor 4.',
    docs: {
      rationale:
        'Nodes with AppArmor 3 (Ubuntu 22.04, Debian 12, most managed node images before 2024) reject `userns`, `mqueue`, `io_uring`, `all`, `priority=`, fine-grained network rules (`ip=`, `port=`, `peer=`, access words), `safe`/`unsafe` exec modes, and the flags `prompt`, `default_allow`, `interruptible`, `kill.signal=`, `error=`, `delegate_deleted`, `attach_disconnected.path=`. The profile then fails to load and pods that need it do not start. Set `apparmor.abi: 4` in chs.yaml when every node runs AppArmor 4.',
      bad: [
        {
          path: 'chs.yaml',
          text: `version: 1
apparmor:
  abi: 3
`,
        },
        {
          path: PROFILE_FILE,
          text: profile(
            NGINX_RULES +
              `  userns,
`,
          ),
        },
      ],
      good: [
        {
          path: 'chs.yaml',
          text: `version: 1
apparmor:
  abi: 3
`,
        },
        { path: PROFILE_FILE, text: profile(NGINX_RULES) },
      ],
    },
  },
  messages: {
    abi4: '{{what}} needs AppArmor 4, but chs.yaml says the nodes run AppArmor 3 (apparmor.abi: 3)',
  },
  check: checkAbi4Syntax,
});

const ABI4_FLAGS = new Set([
  'prompt',
  'default_allow',
  'interruptible',
  'kill.signal',
  'error',
  'delegate_deleted',
  'attach_disconnected.path',
  'attach_disconnected.ipc',
]);
const ABI4_RULES = new Set(['userns', 'mqueue', 'io_uring', 'all']);

function checkAbi4Syntax(context: CheckContext): void {
  if (context.config.apparmor.abi !== 3) return;
  const found = (what: string, range: Range): void =>
    context.report({ rule: abi4Syntax, messageId: 'abi4', data: { what }, file: context.file, range });
  for (const { node, file } of context.model.abis) {
    if (file === context.file && /^abi\/4/.test(node.path)) found(`abi <${node.path}>`, node);
  }
  for (const profile of context.model.profiles) {
    if (profile.file === context.file) {
      for (const flag of profile.node.flags)
        if (ABI4_FLAGS.has(flag.name)) found(`the flag "${flag.name}"`, flag);
    }
    for (const { rule, file } of profile.rules) {
      if (file !== context.file) continue;
      if (rule.qualifiers.priority) found('priority=', rule.qualifiers.priority);
      if (rule.kind === 'file') {
        if (rule.safety) found(`"${rule.safety.text}" exec mode`, rule.safety);
        continue;
      }
      if (rule.kind === 'link') continue;
      if (ABI4_RULES.has(rule.kind)) found(`the ${rule.kind} rule`, rule.keyword);
      else if (
        rule.kind === 'network' &&
        (rule.conditions.length > 0 ||
          rule.parenthesized ||
          rule.permissions.some((p) =>
            /^(create|bind|listen|accept|connect|shutdown|getattr|setattr|getopt|setopt|send|receive|r|w|rw|read|write)$/.test(
              p.text,
            ),
          ))
      ) {
        found('a fine-grained network rule (access words, ip=, port=, peer=)', rule.keyword);
      }
    }
  }
}
