import { deliveryOf } from '../../../core/delivery.js';
import { defineRule } from '../../../core/rule.js';
import type { Statement } from '../ast.js';
import { operatorFit } from '../operator.js';
import type { CheckContext } from './context.js';

export const operatorCannotCarry = defineRule({
  id: 'apparmor/operator-cannot-carry',
  type: 'suggestion',
  description:
    "A profile that the Security Profiles Operator's AppArmorProfile cannot carry exactly, on a target that delivers through the operator.",
  docs: [
    'A target with `delivery: security-profiles-operator` gets its AppArmor profiles as `AppArmorProfile` objects.',
    'Since v0.9.0 the operator takes an abstract policy (executables, libraries, read-only, write-only and',
    'read-write paths, network raw/tcp/udp, capabilities) and writes the profile from a fixed template, so',
    'only a profile that is that template filled in arrives unchanged. Any other profile stays with the',
    'loader DaemonSet on that target, and this finding names the first rule that does not fit.',
    "Rewrite the profile in the template's shape (see docs/delivery.md), or accept the loader for it.",
  ].join(' '),
  defaultSeverity: 'warning',
  messages: {
    cannotCarry:
      'profile "{{name}}" stays with the loader on target {{targets}}: {{reason}}; write it in the shape of the operator\'s template (docs/delivery.md) to deliver it as an AppArmorProfile',
  },
});

/** One finding per file that a target delivering through the operator cannot carry. */
export function checkOperatorCannotCarry(
  context: CheckContext,
  statements: readonly Statement[],
  text: string,
): void {
  const byFit = new Map<boolean, string[]>();
  for (const target of context.config.targets) {
    const delivery = deliveryOf(target);
    if (delivery.kind !== 'security-profiles-operator') continue;
    const key = delivery.operator.apparmorPolicyText;
    byFit.set(key, [...(byFit.get(key) ?? []), target.name]);
  }
  for (const [policyText, targets] of byFit) {
    const fit = operatorFit(statements, text, policyText);
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
