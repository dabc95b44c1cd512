/**
 * One scope for pod security policies (issue 16, item 6): where `chs render` binds a policy is
 * where `chs pod-security check`, `chs test` and the preview apply it, on every namespace of the
 * examples; chs's own namespace (where the loader DaemonSet runs privileged) is exempt everywhere.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.js';
import { emptyFacts } from '../../src/core/language.js';
import { SourceFile } from '../../src/core/source.js';
import { loadPolicyFile, loadRepositoryPolicies, scopeOf } from '../../src/languages/pod-security/index.js';
import type { PodSecurityPolicy } from '../../src/languages/pod-security/index.js';
import { noMatchingNamespace } from '../../src/languages/pod-security/rules/no-matching-namespace.js';
import { readPolicyFiles, renderTarget } from '../../src/render/index.js';
import type { KubeObject } from '../../src/kube/objects.js';

const EXAMPLES = fileURLToPath(new URL('../../examples', import.meta.url));
const NAME = 'kubernetes.io/metadata.name';

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** A label selector as the API server applies it (metav1.LabelSelector). */
function matches(selector: Selector, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {}))
    if (labels[key] !== value) return false;
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = key in labels;
    const ok =
      operator === 'In'
        ? has && values.includes(labels[key] as string)
        : operator === 'NotIn'
          ? !has || !values.includes(labels[key] as string)
          : operator === 'Exists'
            ? has
            : !has;
    if (!ok) return false;
  }
  return true;
}

describe('the scope of pod security policies', () => {
  const { config } = loadConfig(EXAMPLES, EXAMPLES);
  const { policies } = loadRepositoryPolicies(config, EXAMPLES);
  const { files } = readPolicyFiles(config, EXAMPLES);
  const rendered = config.targets.map((target) => renderTarget(config, target, files).objects);
  // Every namespace the examples know: the snapshot's, the targets', chs's own and the usual ones.
  const snapshot = load(readFileSync(join(EXAMPLES, 'cluster/snapshot.yaml'), 'utf8')) as {
    items: KubeObject[];
  };
  const labelsOf = new Map<string, Record<string, string>>();
  for (const item of snapshot.items.filter((i) => i.kind === 'Namespace'))
    labelsOf.set(item.metadata.name, { ...(item.metadata.labels ?? {}), [NAME]: item.metadata.name });
  for (const name of [
    ...config.targets.flatMap((t) => t.namespaces ?? []),
    config.render.namespace,
    'default',
    'kube-system',
    'falco',
    'elsewhere',
  ])
    if (!labelsOf.has(name)) labelsOf.set(name, { [NAME]: name });

  /** Where the rendered objects of some target make the policy act on the namespace. */
  function bound(policy: string, namespace: string, targets = rendered): boolean {
    return targets.some((objects) => {
      const binding = objects.find(
        (o) => o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata.name === `chs-${policy}`,
      );
      if (binding) {
        const spec = binding.spec as { matchResources: { namespaceSelector: Selector } };
        return matches(spec.matchResources.namespaceSelector, labelsOf.get(namespace) ?? {});
      }
      // Deployed as Pod Security Admission labels only: the namespaces that carry them.
      return objects.some(
        (o) =>
          o.kind === 'Namespace' &&
          o.metadata.name === namespace &&
          Object.keys(o.metadata.labels ?? {}).some((k) => k.startsWith('pod-security.kubernetes.io/')),
      );
    });
  }

  it('has policies bound both ways in the examples (the comparison below means something)', () => {
    expect(policies.length).toBeGreaterThan(3);
    const labelOnly = policies.filter(
      (p) => !rendered.some((objects) => objects.some((o) => o.metadata.name === `chs-${p.name}`)),
    );
    // Labels cannot say which policy put them: the comparison holds while one policy is label-only.
    expect(labelOnly.length).toBeLessThanOrEqual(1);
  });

  it('agrees between the rendered bindings and the local verdicts on every namespace', () => {
    const scope = scopeOf(config);
    const disagreements: string[] = [];
    for (const policy of policies)
      for (const [namespace, labels] of labelsOf) {
        const local = policy.appliesTo(namespace, labels, undefined, scope);
        if (local !== bound(policy.name, namespace))
          disagreements.push(`${policy.name} in ${namespace}: local ${local}, rendered ${!local}`);
      }
    expect(disagreements).toEqual([]);
  });

  it("exempts chs's own namespace, where the loader runs, in the verdicts and in the bindings", () => {
    const scope = scopeOf(config);
    expect(scope.ownNamespace).toBe('container-host-security');
    for (const policy of policies) {
      expect(policy.appliesTo('container-host-security', {}, undefined, scope), policy.name).toBe(false);
      expect(bound(policy.name, 'container-host-security'), policy.name).toBe(false);
    }
  });

  // The lint rule says a policy applies to no namespace of its targets exactly where scopeOf (and
  // so render) applies it to none: the examples' policies, and variants of each way to miss.
  const VARIANTS: Record<string, string> = {
    'no-namespace': '  namespaces: []\n',
    'own-only': '  namespaces: [container-host-security]\n',
    'outside-targets': '  namespaces: [billing]\n',
    'exempt-named': '  namespaces: [shop]\n  exemptions: {namespaces: [shop]}\n',
    'exempt-targets': '  exemptions: {namespaces: [shop, payments, shop-staging]}\n',
    'exempt-in-target': '  namespaces: [shop, billing]\n  exemptions: {namespaces: [shop]}\n',
    'selector-nothing':
      '  namespaceSelector:\n    matchExpressions: [{key: team, operator: In, values: []}]\n',
    'own-and-shop': '  namespaces: [container-host-security, shop]\n',
    'targets-but-one': '  exemptions: {namespaces: [shop, payments]}\n',
    'selector-team': '  namespaceSelector: {matchLabels: {team: payments}}\n',
  };
  const variantFiles = Object.entries(VARIANTS).map(([name, spec]) => {
    const text = `apiVersion: container-host-security/v1\nkind: PodSecurity\nmetadata:\n  name: ${name}\nspec:\n${spec}  controls:\n    runAsNonRoot: true\n`;
    const path = `policies/pod-security/${name}.yaml`;
    return { path, display: path, text };
  });
  const variants = variantFiles.flatMap((f) => loadPolicyFile(new SourceFile(f.path, f.text)).policies);
  const variantRendered = config.targets.map(
    (target) => renderTarget(config, target, new Map([['pod-security', variantFiles]])).objects,
  );

  function linted(policy: PodSecurityPolicy): string[] {
    const found: string[] = [];
    noMatchingNamespace.check?.({
      policy,
      config,
      facts: emptyFacts(),
      earlier: new Map(),
      report: (f) => found.push(f.messageId),
    });
    return found;
  }

  it('agrees with the lint rule on every namespace of the targets', () => {
    expect(variants).toHaveLength(Object.keys(VARIANTS).length);
    const scope = scopeOf(config);
    const inTargets = [...labelsOf.keys()].filter((n) => scope.targetNamespaces?.includes(n) ?? true);
    const verdicts = [...policies, ...variants].map((policy) => {
      const targets = policies.includes(policy) ? rendered : variantRendered;
      const applies = inTargets.filter((n) => policy.appliesTo(n, labelsOf.get(n) ?? {}, undefined, scope));
      // Render binds it where the local verdict applies it, on every namespace the examples know.
      for (const [namespace, labels] of labelsOf)
        expect(bound(policy.name, namespace, targets), `${policy.name} in ${namespace}`).toBe(
          policy.appliesTo(namespace, labels, undefined, scope),
        );
      return [policy.name, linted(policy).length > 0, applies.length > 0];
    });
    // Flagged exactly where it applies to no namespace of the targets.
    expect(verdicts.filter(([, flagged, applies]) => flagged === applies)).toEqual([]);
    expect(verdicts.filter(([, flagged]) => flagged).map(([name]) => name)).toEqual([
      'no-namespace',
      'own-only',
      'outside-targets',
      'exempt-named',
      'exempt-targets',
      'exempt-in-target',
      'selector-nothing',
    ]);
  });
});
