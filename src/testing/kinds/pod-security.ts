/**
 * `podSecurity:` cases: whether a policy (or a Pod Security Standards level) admits an object.
 * `{policy: NAME|LEVEL[:VERSION], object: {...}, expect: {allowed: BOOL, messageContains?: TEXT}}`
 * A name is looked up among the repository's pod security policies first (each file loaded once
 * per run); otherwise `privileged`, `baseline` or `restricted`, optionally `:v1.N` or `:latest`.
 */
import { didYouMeanSuffix } from '../../core/did-you-mean.js';
import { discover } from '../../core/discovery.js';
import { readTextFile } from '../../core/read.js';
import type { SourceFile } from '../../core/source.js';
import type { YamlMap, YamlNode } from '../../core/yaml.js';
import { pairOf, rangeAt } from '../../core/yaml.js';
import { podView } from '../../languages/pod-security/index.js';
import { evaluateAgainstPolicies, evaluatePodSecurity } from '../../languages/pod-security/index.js';
import type { PodSecurityResult, Violation } from '../../languages/pod-security/index.js';
import { loadPolicyFile } from '../../languages/pod-security/index.js';
import { PodSecurityPolicy, scopeOf } from '../../languages/pod-security/index.js';
import type { PolicySpec } from '../../languages/pod-security/index.js';
import { isPssLevel, parseVersion, PSS_LEVELS } from '../../languages/pod-security/index.js';
import { POD_BEARING_KINDS, podSource } from '../../languages/pod-security/index.js';
import { checkKeys, checkString, describeNode, span, stringAt } from '../shape.js';
import type { CaseKind, CaseOutcome, Problem, RunContext } from '../types.js';
import { at, loadErrors } from '../../core/load-errors.js';

const WHERE = 'a podSecurity case';

function validate(body: YamlMap): Problem[] {
  const problems = checkKeys(body, WHERE, ['policy', 'object', 'expect'], ['policy', 'object', 'expect']);
  problems.push(...checkString(body, 'policy', WHERE));
  const object = pairOf(body, 'object')?.value;
  if (object && object.kind !== 'map')
    problems.push({
      message: `"object" must be a Kubernetes object (a mapping), not ${describeNode(object)}`,
      range: span(object),
    });
  if (object?.kind === 'map' && !podSource(object.value)) {
    const kind = pairOf(object, 'kind')?.value;
    problems.push({
      message: `"object" must be a Pod or a workload (${POD_BEARING_KINDS.join(', ')}), not ${
        kind ? `kind ${describeNode(kind).replace(/^the string /, '')}` : 'an object without "kind"'
      }`,
      range: span(kind ?? object),
    });
  }
  const expect = pairOf(body, 'expect')?.value;
  if (expect && expect.kind !== 'map')
    problems.push({
      message: `"expect" must be {allowed: true|false, messageContains?: TEXT}, not ${describeNode(expect)}`,
      range: span(expect),
    });
  if (expect?.kind === 'map') {
    const where = 'the expectation of a podSecurity case';
    problems.push(...checkKeys(expect, where, ['allowed', 'messageContains'], ['allowed']));
    const allowed = pairOf(expect, 'allowed')?.value;
    if (allowed && typeof allowed.value !== 'boolean')
      problems.push({
        message: `"allowed" must be true or false, not ${describeNode(allowed)}`,
        range: span(allowed),
      });
    problems.push(...checkString(expect, 'messageContains', where));
  }
  return problems;
}

interface Repository {
  policies: PodSecurityPolicy[];
  files: Map<string, SourceFile>;
  /** Load errors per file (`file:line:column: message (rule)`). */
  errors: Map<string, string[]>;
  /** The file of each policy name written in a file that does not load. */
  declared: Map<string, string>;
}

function loadRepository(context: RunContext): Repository {
  return context.cached('podSecurity', () => {
    const { config, cwd } = context;
    const repository: Repository = { policies: [], files: new Map(), errors: new Map(), declared: new Map() };
    const entries = discover(config.root, cwd, context.layout, []).filter((f) => f.kind === 'pod-security');
    for (const entry of entries) {
      const read = readTextFile(entry.absolute, entry.display);
      if (!read.ok) {
        repository.errors.set(entry.display, [`${entry.display}: ${read.failure.message}`]);
        continue;
      }
      repository.files.set(read.file.path, read.file);
      const { policies, findings, names } = loadPolicyFile(read.file);
      repository.policies.push(...policies);
      const errors = loadErrors(findings, config, repository.files, cwd);
      if (errors.length === 0) continue;
      repository.errors.set(read.file.path, errors);
      for (const name of names)
        if (!repository.declared.has(name)) repository.declared.set(name, read.file.path);
    }
    return repository;
  });
}

/** The policy without its namespace scope: a case that names no namespace tests the policy's rules. */
function unscoped(policy: PodSecurityPolicy): PodSecurityPolicy {
  const { namespaces: _namespaces, namespaceSelector: _selector, exemptions, ...rest } = policy.spec;
  const spec: PolicySpec = { ...rest };
  if (exemptions) {
    const { namespaces: _exempt, ...others } = exemptions;
    spec.exemptions = others;
  }
  return new PodSecurityPolicy(
    { ...policy.document, spec },
    policy.version,
    policy.file,
    policy.root,
    policy.range,
  );
}

/** Where a violation comes from in a policy file: the control's key, else the level. */
function origin(violation: Violation, policy: PodSecurityPolicy, file: SourceFile | undefined): string {
  const slash = violation.check.indexOf('/');
  const path = slash >= 0 ? ['spec', 'controls', violation.check.slice(slash + 1)] : ['spec', 'level'];
  const range = rangeAt(policy.root, path, true) ?? policy.range;
  return file && range ? ` (${at(file, range.start)})` : '';
}

function verdict(result: PodSecurityResult): string {
  return result.allowed ? 'allowed' : `rejected: ${result.message}`;
}

function outcome(body: YamlMap, result: PodSecurityResult, reasons: () => string[]): CaseOutcome {
  const expect = pairOf(body, 'expect')?.value as YamlMap;
  const allowed = pairOf(expect, 'allowed')?.value.value as boolean;
  const contains = stringAt(expect, 'messageContains');
  if (result.allowed !== allowed)
    return {
      passed: false,
      message: [
        `expected: ${allowed ? 'allowed' : 'rejected'}`,
        `actual:   ${verdict(result)}`,
        ...reasons().map((reason, i) => `${i === 0 ? 'why:' : '    '}      ${reason}`),
      ].join('\n'),
    };
  if (typeof contains === 'string' && !result.message.includes(contains))
    return {
      passed: false,
      message: `expected the message to contain: ${contains}\nactual message: ${result.message || '(none: the object is allowed)'}`,
    };
  return { passed: true, message: '' };
}

function levelReasons(result: PodSecurityResult, level: string): string[] {
  if (result.allowed) return [`the object meets the ${level} level`];
  return result.violations.map((v) => `${v.check}: ${v.detail ? `${v.reason} (${v.detail})` : v.reason}`);
}

function evaluate(body: YamlMap, context: RunContext): CaseOutcome {
  const name = stringAt(body, 'policy') as string;
  const objectNode = pairOf(body, 'object')?.value as YamlNode;
  const object = objectNode.value;
  const repository = loadRepository(context);
  const named = repository.policies.filter((p) => p.name === name);
  if (named.length > 1) {
    const places = named.map((p) => {
      const file = p.file ? repository.files.get(p.file) : undefined;
      return file && p.range ? at(file, p.range.start) : (p.file ?? '?');
    });
    return {
      passed: false,
      message: `pod security policy "${name}" is defined ${named.length} times: ${places.join(', ')}`,
    };
  }
  const policy = named[0];
  // A policy whose file does not load (the schema may have refused the policy itself).
  const brokenFile = policy?.file ?? repository.declared.get(name);
  const errors = brokenFile === undefined ? undefined : repository.errors.get(brokenFile);
  if (errors)
    return {
      passed: false,
      message: `the pod security policies of ${brokenFile} do not load:\n${errors.join('\n')}`,
    };
  if (policy) {
    const file = policy.file ? repository.files.get(policy.file) : undefined;
    const source = podSource(object);
    const namespace = source?.namespace ?? '';
    const nameRange = rangeAt(policy.root, ['metadata', 'name']) ?? policy.range;
    const where = file && nameRange ? ` (${at(file, nameRange.start)})` : '';
    if (
      source &&
      namespace &&
      !policy.appliesTo(namespace, {}, podView(source.podMetadata, source.podSpec), scopeOf(context.config))
    ) {
      const result = evaluateAgainstPolicies(object, [policy], { namespace, scope: scopeOf(context.config) });
      return outcome(body, result, () => [
        `policy "${name}"${where} does not apply to namespace "${namespace}" (or exempts the object)`,
      ]);
    }
    const result = namespace
      ? evaluateAgainstPolicies(object, [policy], { namespace, scope: scopeOf(context.config) })
      : evaluateAgainstPolicies(object, [unscoped(policy)], {});
    return outcome(body, result, () =>
      result.allowed
        ? [`policy "${name}"${where} finds nothing to refuse`]
        : result.violations.map(
            (v) =>
              `${v.check}${origin(v, policy, file)}: ${v.detail ? `${v.reason} (${v.detail})` : v.reason}`,
          ),
    );
  }
  const [level, version, extra] = name.split(':');
  if (isPssLevel(level) && extra === undefined && (version === undefined || parseVersion(version))) {
    const result = evaluatePodSecurity(object, { level, ...(version === undefined ? {} : { version }) });
    return outcome(body, result, () => levelReasons(result, name));
  }
  if (isPssLevel(level))
    return {
      passed: false,
      message: `"${name}": the version of a level is v1.N or latest (restricted:v1.30, restricted:latest)`,
    };
  const names = repository.policies.map((p) => p.name);
  const broken = [...repository.errors.values()].flat();
  return {
    passed: false,
    message: [
      `no pod security policy named "${name}" in the repository, and no level${didYouMeanSuffix(name, [
        ...names,
        ...PSS_LEVELS,
      ])}`,
      `policies: ${names.length > 0 ? names.join(', ') : '(none)'}; levels: ${PSS_LEVELS.join(', ')} (optionally :v1.N)`,
      ...(broken.length > 0 ? ['policy files that do not load:', ...broken] : []),
    ].join('\n'),
  };
}

export const podSecurityCase: CaseKind = { key: 'podSecurity', validate, evaluate };
