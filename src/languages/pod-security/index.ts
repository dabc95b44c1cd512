/**
 * The pod-security language: the project's `PodSecurity` policies and legacy PodSecurityPolicy
 * files. Facts: the AppArmor and seccomp profiles the policies name; findings: the rules below.
 */
import type { Language, LintContext, Location } from '../../core/language.js';
import type { SourceFile } from '../../core/source.js';
import { rangeAt } from '../../core/yaml.js';
import { loadPolicyFile, looksLikePolicy } from './load.js';
import type { LoadedFile } from './load.js';
import { POD_SECURITY_PATHS } from './paths.js';
import type { PodSecurityPolicy } from './policy.js';
import { podSecurityRules } from './rules/index.js';

const loaded = new WeakMap<SourceFile, LoadedFile>();

function load(file: SourceFile): LoadedFile {
  let result = loaded.get(file);
  if (!result) {
    result = loadPolicyFile(file);
    loaded.set(file, result);
  }
  return result;
}

function addReference(map: Map<string, Location[]>, name: string, location: Location): void {
  const list = map.get(name) ?? [];
  list.push(location);
  map.set(name, list);
}

/** Records the `localhost/` profiles a policy allows, for the AppArmor and seccomp languages. */
function recordReferences(policy: PodSecurityPolicy, context: LintContext): void {
  if (!policy.file) return;
  for (const [control, map] of [
    ['appArmor', context.facts.referencedApparmorProfiles],
    ['seccomp', context.facts.referencedSeccompProfiles],
  ] as const) {
    policy.controls[control]?.allowedProfiles?.forEach((profile, i) => {
      if (!profile.startsWith('localhost/')) return;
      const range = rangeAt(policy.root, ['spec', 'controls', control, 'allowedProfiles', i]);
      addReference(map, profile.slice('localhost/'.length), {
        file: policy.file as string,
        ...(range ? { range } : {}),
      });
    });
  }
}

export const podSecurity: Language = {
  kind: 'pod-security',
  defaultPaths: POD_SECURITY_PATHS,
  rules: podSecurityRules,
  sniff: (file) => /\.(ya?ml|json)$/i.test(file.path) && looksLikePolicy(file.text),
  collectFacts(files, context) {
    for (const file of files) for (const policy of load(file).policies) recordReferences(policy, context);
  },
  lint(files, context) {
    const earlier = new Map<string, string>();
    for (const file of files) {
      const { policies, findings } = load(file);
      for (const finding of findings) context.report(finding);
      for (const policy of policies) {
        const check = {
          policy,
          config: context.config,
          facts: context.facts,
          earlier,
          report: context.report,
        };
        for (const rule of podSecurityRules) rule.check?.(check);
        if (policy.file && !earlier.has(policy.name)) earlier.set(policy.name, policy.file);
      }
    }
  },
};

// The public API beyond linting: what the preview, chs test, chs render and the CLI use.
export { asObj, asString, podView } from './checks/pod.js';
export {
  PodSubject,
  evaluateAgainstPolicies,
  evaluatePodSecurity,
  outcomeResult,
  policyOutcome,
} from './evaluate.js';
export type { PodSecurityResult, PolicyOutcome, Violation } from './evaluate.js';
export { loadPolicyFile } from './load.js';
export { LEGACY_API_VERSIONS, translatePsp } from './psp.js';
export { PodSecurityPolicy, scopeOf } from './policy.js';
export type { PolicyScope, PolicySpec } from './policy.js';
export { renderPodSecurity } from './render.js';
export { loadRepositoryPolicies } from './repository.js';
export { PSS_LEVELS, isPssLevel, parseVersion } from './version.js';
export type { PolicyVersion, PssLevel } from './version.js';
export { POD_BEARING_KINDS, podSource } from './workload.js';
export type { PodSource } from './workload.js';
