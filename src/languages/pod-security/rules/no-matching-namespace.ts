import { defineRule } from '../../../core/rule.js';
import type { PolicyCheckContext } from './context.js';
import { rangeAt } from '../../../core/yaml.js';
import { scopeOf } from '../policy.js';
import { POLICY_FILE, policy } from './examples.js';

export const noMatchingNamespace = defineRule({
  meta: {
    id: 'pod-security/no-matching-namespace',
    severity: 'warning',
    type: 'problem',
    description:
      "A policy that applies to no namespace of its targets: an empty list, every namespace exempted, none in any target, or only chs's own namespace.",
    remediation:
      'Name the namespaces the policy is for (and that a target of chs.yaml covers), or remove them from the exemptions.',
    docs: {
      rationale: [
        'A policy that matches no namespace is never enforced. Check `spec.namespaces`, `spec.exemptions.namespaces`',
        'and the namespaces of the targets in `chs.yaml`.',
      ].join(' '),
      bad: [
        {
          path: POLICY_FILE,
          text: policy(`  namespaces: []
  controls:
    runAsNonRoot: true
`),
        },
      ],
      good: [
        {
          path: POLICY_FILE,
          text: policy(`  namespaces: [shop]
  controls:
    runAsNonRoot: true
`),
        },
      ],
    },
  },
  messages: {
    empty: 'spec.namespaces is empty: the policy applies to no namespace',
    allExempt: 'every namespace the policy names is also exempted',
    noTarget: 'none of the namespaces {{namespaces}} is in a target of chs.yaml (targets cover {{targets}})',
    selector: 'the namespace selector can match no namespace: {{why}}',
    noneApplies:
      'the policy applies to no namespace of its targets ({{reasons}}): name the namespaces of the workloads it is for',
  },
  check: checkNamespaces,
});

/**
 * Reports a policy that applies to no namespace of its targets. Where it applies is `scopeOf`'s
 * answer, the one render binds and check, test and the preview decide by; this rule only says why.
 */
function checkNamespaces({ policy, config, report }: PolicyCheckContext): void {
  if (!policy.file) return;
  const file = policy.file;
  const at = (path: (string | number)[]): { range?: { start: number; end: number } } => {
    const range = rangeAt(policy.root, ['spec', ...path]);
    return range ? { range } : {};
  };
  const scope = scopeOf(config);
  const names = policy.spec.namespaces;
  // The namespaces that matter: the targets' (every one when a target names none, then the
  // policy's own names tell), each decided by the scope; labels are the selector's part below.
  const where = scope.targetNamespaces ?? names;
  if (where && !where.some((n) => policy.appliesBesidesLabels(n, undefined, scope))) {
    const exempt = new Set(policy.spec.exemptions?.namespaces ?? []);
    const targets = scope.targetNamespaces;
    if (names?.length === 0)
      report({ rule: noMatchingNamespace, messageId: 'empty', file, ...at(['namespaces']) });
    else if (names?.every((n) => exempt.has(n)))
      report({
        rule: noMatchingNamespace,
        messageId: 'allExempt',
        file,
        ...at(['exemptions', 'namespaces']),
      });
    else if (names && targets && !names.some((n) => targets.includes(n) || n === scope.ownNamespace))
      report({
        rule: noMatchingNamespace,
        messageId: 'noTarget',
        data: { namespaces: names.join(', '), targets: targets.join(', ') || 'no namespace' },
        file,
        ...at(['namespaces']),
      });
    else {
      const why = (n: string): string =>
        n === scope.ownNamespace
          ? `${n} is chs's own namespace, where the profile loader runs privileged`
          : exempt.has(n)
            ? `${n} is exempted`
            : `${n} is in no target`;
      report({
        rule: noMatchingNamespace,
        messageId: 'noneApplies',
        data: { reasons: (names ?? targets ?? []).map(why).join('; ') },
        file,
        ...at(
          names ? ['namespaces'] : policy.spec.exemptions?.namespaces ? ['exemptions', 'namespaces'] : [],
        ),
      });
    }
    return;
  }
  const selector = policy.spec.namespaceSelector;
  if (!selector) return;
  const exists = new Set<string>();
  const absent = new Set<string>();
  for (const [i, e] of (selector.matchExpressions ?? []).entries()) {
    if (e.operator === 'In' && (e.values ?? []).length === 0) {
      report({
        rule: noMatchingNamespace,
        messageId: 'selector',
        data: { why: `"${e.key} In []" matches nothing` },
        file,
        ...at(['namespaceSelector', 'matchExpressions', i]),
      });
      return;
    }
    if (e.operator === 'Exists' || e.operator === 'In') exists.add(e.key);
    if (e.operator === 'DoesNotExist') absent.add(e.key);
    const label = selector.matchLabels?.[e.key];
    if (label !== undefined && e.operator === 'NotIn' && (e.values ?? []).includes(label)) {
      report({
        rule: noMatchingNamespace,
        messageId: 'selector',
        data: { why: `matchLabels ${e.key}=${label} and NotIn ${label}` },
        file,
        ...at(['namespaceSelector', 'matchExpressions', i]),
      });
      return;
    }
  }
  for (const key of Object.keys(selector.matchLabels ?? {})) exists.add(key);
  for (const key of absent) {
    if (exists.has(key)) {
      report({
        rule: noMatchingNamespace,
        messageId: 'selector',
        data: { why: `label ${key} must both exist and not exist` },
        file,
        ...at(['namespaceSelector']),
      });
      return;
    }
  }
}
