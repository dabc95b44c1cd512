import { defineRule } from '../../../core/rule.js';

export const blockKubeSystem = defineRule({
  id: 'pod-security/block-kube-system',
  type: 'problem',
  description: 'A policy in block mode that applies to kube-system.',
  docs: [
    'System components (CNI, CSI and kube-proxy DaemonSets, say) need host namespaces, host paths and',
    'privileges. Blocking them in kube-system can stop a cluster from healing. Exempt `kube-system`',
    '(`spec.exemptions.namespaces`), name the namespaces the policy is for, or keep it in monitor mode.',
  ].join(' '),
  defaultSeverity: 'error',
  messages: {
    named: 'block mode on kube-system: system pods that need privileges would be refused',
    implicit:
      'block mode on every namespace, kube-system included: exempt kube-system or name the namespaces',
  },
});
