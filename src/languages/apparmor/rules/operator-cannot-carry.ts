import { deliveryOf } from '../../../core/delivery.js';
import { defineRule } from '../../../core/rule.js';
import { operatorFit } from '../operator.js';
import type { CheckContext } from './context.js';

const CHS_YAML = `version: 1
targets:
  - name: production
    namespaces: [shop]
    mode: block
    delivery: security-profiles-operator
`;

/** The deny rules the operator's template adds to every profile. */
const TEMPLATE_DENIES =
  '  deny @{PROC}/* w,\n  deny @{PROC}/{[^1-9],[^1-9][^0-9],[^1-9s][^0-9y][^0-9s],[^1-9][^0-9][^0-9][^0-9]*}/** w,\n  deny @{PROC}/sys/[^k]** w,\n  deny @{PROC}/sys/kernel/{?,??,[^s][^h][^m]**} w,\n  deny @{PROC}/sysrq-trigger rwklx,\n  deny @{PROC}/mem rwklx,\n  deny @{PROC}/kmem rwklx,\n  deny @{PROC}/kcore rwklx,\n  deny /sys/firmware/efi/efivars/** rwklx,\n';

export const operatorCannotCarry = defineRule({
  meta: {
    id: 'apparmor/operator-cannot-carry',
    severity: 'warning',
    type: 'suggestion',
    description:
      "A profile that the Security Profiles Operator's AppArmorProfile cannot carry exactly, on a target that delivers through the operator.",
    remediation:
      "Write the profile in the shape of the operator's template (docs/delivery.md), or accept that the loader DaemonSet delivers it on that target.",
    docs: {
      rationale: [
        'A target with `delivery: security-profiles-operator` gets its AppArmor profiles as `AppArmorProfile` objects.',
        'Since v0.9.0 the operator takes an abstract policy (executables, libraries, read-only, write-only and',
        'read-write paths, network raw/tcp/udp, capabilities) and writes the profile from a fixed template, so only',
        'a profile that is that template filled in arrives unchanged. Any other profile stays with the loader',
        'DaemonSet on that target, and this finding names the first rule that does not fit. Before v0.9.0 the',
        'operator loaded the profile text as written: every single-profile file whose name is an object name fits.',
      ].join(' '),
      bad: [
        { path: 'chs.yaml', text: CHS_YAML },
        {
          path: 'policies/apparmor/k8s-nginx',
          text: `include <tunables/global>
profile k8s-nginx flags=(attach_disconnected,mediate_deleted) {
  include <abstractions/base>
  /usr/sbin/nginx ixr,
  network inet tcp,
${TEMPLATE_DENIES}}
`,
        },
      ],
      good: [
        { path: 'chs.yaml', text: CHS_YAML },
        {
          path: 'policies/apparmor/k8s-nginx',
          text: `include <tunables/global>
profile k8s-nginx flags=(attach_disconnected,mediate_deleted) {
  include <abstractions/base>
  /usr/sbin/nginx ixr,
  network tcp,
${TEMPLATE_DENIES}}
`,
        },
      ],
    },
  },
  messages: {
    cannotCarry:
      'profile "{{name}}" stays with the loader on target {{targets}}: {{reason}}; write it in the shape of the operator\'s template (docs/delivery.md) to deliver it as an AppArmorProfile',
  },
  check: checkOperatorCannotCarry,
});

/** One finding per file and operator API that a target delivering through the operator cannot carry. */
function checkOperatorCannotCarry(context: CheckContext): void {
  if (!context.model.profiles.some((p) => p.file === context.file)) return;
  const byApi = new Map<boolean, string[]>();
  for (const target of context.config.targets) {
    const delivery = deliveryOf(target);
    if (delivery.kind !== 'security-profiles-operator') continue;
    const policyText = delivery.operator.apparmorPolicyText;
    byApi.set(policyText, [...(byApi.get(policyText) ?? []), target.name]);
  }
  for (const [policyText, targets] of byApi) {
    const fit = operatorFit(context.statements, context.text, policyText);
    if (fit.fits) continue;
    context.report({
      rule: operatorCannotCarry,
      messageId: 'cannotCarry',
      data: { name: fit.name ?? '(unnamed)', targets: targets.join(', '), reason: fit.reason },
      file: context.file,
      range: fit.range,
    });
  }
}
