import { defineRule } from '../../../core/rule.js';
import type { SeccompCheckContext } from './context.js';
import { PROFILE_FILE, allowProfile } from './examples.js';

export const dockerOnlyKey = defineRule({
  meta: {
    id: 'seccomp/docker-only-key',
    severity: 'error',
    type: 'problem',
    description:
      'A key only Docker reads (archMap, includes, excludes, name, comment) in a profile that Kubernetes loads.',
    remediation:
      'Remove the key, and write out the rules it would have selected (what `includes` and `excludes` pick for your nodes), or set `seccomp.runtime: docker` in chs.yaml if Docker loads the profile.',
    docs: {
      rationale: [
        'Kubernetes Localhost profiles are read by containerd into the OCI runtime spec, which has no `archMap`, `includes`, `excludes`, `name` or `comment`: containerd drops them without a word.',
        '',
        "- `includes` / `excludes`: the rule then applies to every container, whatever its capabilities, architecture or kernel (Docker's own profile, loaded this way, allows `mount` and `bpf` to every container).",
        '- `name`: the rule matches nothing; use `names`.',
        "- `archMap`: only `architectures` (and the node's own) are covered (warning).",
        '- `comment`: harmless, dropped (info).',
        '',
        'Write the rules out for the containers that need them, or set `seccomp.runtime: docker` in chs.yaml (or `"x-chs": {"runtime": "docker"}` in the profile) when Docker loads it.',
      ].join('\n'),
      bad: [
        {
          path: PROFILE_FILE,
          text: allowProfile(`[
    { "names": ["ptrace"], "action": "SCMP_ACT_ERRNO", "comment": "no debugging" }
  ]`),
        },
      ],
      good: [
        { path: PROFILE_FILE, text: allowProfile(`[{ "names": ["ptrace"], "action": "SCMP_ACT_ERRNO" }]`) },
      ],
    },
  },
  messages: {
    filter:
      'containerd drops "{{key}}" from Kubernetes Localhost profiles: this rule then applies to every container{{what}}',
    name: 'containerd drops "name" from Kubernetes Localhost profiles: this rule matches nothing; use "names"',
    archMap:
      'containerd drops "archMap" from Kubernetes Localhost profiles: only "architectures" and the node\'s own are covered',
    comment: 'containerd drops "comment" from Kubernetes Localhost profiles (harmless)',
  },
  check: checkDockerOnlyKey,
});

function checkDockerOnlyKey({ profile, runtime, report }: SeccompCheckContext): void {
  if (runtime !== 'kubernetes') return;
  const file = profile.file;
  const archMap = profile.keys.get('archMap');
  if (archMap)
    report({ rule: dockerOnlyKey, messageId: 'archMap', file, range: archMap, severity: 'warning' });
  for (const entry of profile.entries) {
    for (const key of ['includes', 'excludes'] as const) {
      const range = entry.keys.get(key);
      const filter = entry[key];
      if (!range) continue;
      const what: string[] = [];
      if (filter?.caps.length) what.push(`capabilities ${filter.caps.values.join(', ')}`);
      if (filter?.arches.length) what.push(`architectures ${filter.arches.values.join(', ')}`);
      if (filter?.minKernel) what.push(`kernel ${filter.minKernel.value}`);
      report({
        rule: dockerOnlyKey,
        messageId: 'filter',
        data: { key, what: what.length > 0 ? `, whatever its ${what.join(' and ')}` : '' },
        file,
        range,
      });
    }
    const name = entry.keys.get('name');
    if (name) report({ rule: dockerOnlyKey, messageId: 'name', file, range: name });
    const comment = entry.keys.get('comment');
    if (comment)
      report({ rule: dockerOnlyKey, messageId: 'comment', file, range: comment, severity: 'info' });
  }
}
