import { effectiveMode } from '../../../core/config.js';
import { defineRule } from '../../../core/rule.js';
import type { PolicyCheckContext } from './context.js';
import { rangeAt } from '../../../core/yaml.js';
import { scopeOf } from '../policy.js';
import { POLICY_FILE, policy } from './examples.js';

export const blockKubeSystem = defineRule({
  meta: {
    id: 'pod-security/block-kube-system',
    severity: 'error',
    type: 'problem',
    description: 'A policy in block mode that applies to kube-system.',
    remediation:
      'Exempt kube-system (`spec.exemptions.namespaces: [kube-system]`), name the namespaces the policy is for (`spec.namespaces`), or keep the policy in monitor mode.',
    docs: {
      rationale: [
        'System components (CNI, CSI and kube-proxy DaemonSets, say) need host namespaces, host paths and',
        'privileges. Blocking them in kube-system can stop a cluster from healing. Exempt `kube-system`',
        '(`spec.exemptions.namespaces`), name the namespaces the policy is for, or keep it in monitor mode.',
      ].join(' '),
      bad: [
        {
          path: POLICY_FILE,
          text: policy(`  mode: block
  controls:
    runAsNonRoot: true
`),
        },
      ],
      good: [
        {
          path: POLICY_FILE,
          text: policy(`  mode: block
  exemptions:
    namespaces: [kube-system]
  controls:
    runAsNonRoot: true
`),
        },
      ],
    },
  },
  messages: {
    named: 'block mode on kube-system: system pods that need privileges would be refused',
    implicit:
      'block mode on every namespace, kube-system included: exempt kube-system or name the namespaces',
  },
  check: checkKubeSystem,
});

/** Reports a policy that would block in kube-system on any target. */
function checkKubeSystem({ policy, config, report }: PolicyCheckContext): void {
  if (!policy.file) return;
  const spec = policy.spec;
  for (const target of config.targets) {
    if (effectiveMode(config, spec.mode, target.name) !== 'block') continue;
    // Where the policy applies on this target is the scope render binds it by.
    const scope = scopeOf({ targets: [target], render: config.render });
    if (!policy.appliesBesidesLabels('kube-system', undefined, scope)) continue;
    // A label selector may or may not select kube-system: only its name settles it.
    if (!spec.namespaces && spec.namespaceSelector) continue;
    const names = spec.namespaces ?? scope.targetNamespaces;
    const range = rangeAt(
      policy.root,
      names ? ['spec', 'namespaces'] : spec.mode ? ['spec', 'mode'] : ['spec'],
    );
    report({
      rule: blockKubeSystem,
      messageId: names ? 'named' : 'implicit',
      file: policy.file,
      ...(range ? { range } : {}),
    });
    return;
  }
}
