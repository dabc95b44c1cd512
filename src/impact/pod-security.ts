/**
 * Pod security: the per-control diff of the repository's policies (a stricter level or a new
 * control narrows what is admitted) and the workloads of the cluster that the new policies would
 * reject (block mode) or warn about (monitor mode), one per controller, with PSA's reasons.
 */
import { SourceFile } from '../core/source.js';
import { PodSubject, evaluateAgainstPolicies, scopeOf } from '../languages/pod-security/index.js';
import { loadPolicyFile } from '../languages/pod-security/index.js';
import type { PodSecurityPolicy } from '../languages/pod-security/index.js';
import { PSS_LEVELS } from '../languages/pod-security/index.js';
import { loadErrors } from '../core/load-errors.js';
import { doesNotLoad, notLoading } from './does-not-load.js';
import type { BrokenFile } from './does-not-load.js';
import { modeIn, strongestMode, targetOf, workloadsOf } from './cluster.js';
import type { Workload, Workloads } from './cluster.js';
import { lineOf } from './lines.js';
import type { FailedControl, ImpactFinding, ItemChange } from './model.js';
import type { ImpactInputs, ImpactSection, PolicyTree } from './section.js';

export interface PodSecuritySide {
  /** The policies of the files that load (what is evaluated). */
  policies: Map<string, PodSecurityPolicy>;
  /** The files that do not load (schema or YAML errors), with the policies they name: evaluated nowhere. */
  broken: Map<string, BrokenFile>;
  tree: PolicyTree;
}

export function loadPodSecuritySide(tree: PolicyTree): PodSecuritySide {
  const policies = new Map<string, PodSecurityPolicy>();
  const broken = new Map<string, BrokenFile>();
  for (const path of tree.files.get('pod-security') ?? []) {
    const text = tree.read(path);
    if (text === undefined) continue;
    const source = new SourceFile(path, text);
    const loaded = loadPolicyFile(source);
    const errors = loadErrors(loaded.findings, tree.config, new Map([[path, source]]));
    if (errors.length > 0) {
      broken.set(path, { names: [...new Set(loaded.names)], errors });
      continue;
    }
    for (const policy of loaded.policies) if (!policies.has(policy.name)) policies.set(policy.name, policy);
  }
  return { policies, broken, tree };
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function podSecurityItemChanges(base: PodSecuritySide, head: PodSecuritySide): ItemChange[] {
  const items: ItemChange[] = [];
  const item = (i: Omit<ItemChange, 'kind'>): void => {
    const policy = head.policies.get(i.group ?? i.name);
    const line = policy?.file === i.file ? lineOf(head.tree, i.file, policy?.range?.start) : undefined;
    items.push({ kind: 'pod-security', ...i, ...(line === undefined ? {} : { line }) });
  };
  const broken = notLoading(base.policies, { loaded: head.policies, broken: head.broken });
  for (const [name, { file, errors }] of broken)
    item({ file, itemType: 'policy', name, change: 'does-not-load', detail: doesNotLoad(errors) });
  // A file that names no policy (YAML that does not parse, no metadata.name) is shown by its path.
  const named = new Set([...broken.values()].map((b) => b.file));
  for (const [file, { errors }] of head.broken)
    if (!named.has(file))
      item({
        file,
        itemType: 'policy file',
        name: file,
        change: 'does-not-load',
        detail: doesNotLoad(errors),
      });
  for (const [name, p] of base.policies)
    if (!head.policies.has(name) && !broken.has(name))
      item({ file: p.file ?? '', itemType: 'policy', name, change: 'removed' });
  for (const [name, after] of head.policies) {
    const file = after.file ?? '';
    const before = base.policies.get(name);
    const modeAfter = strongestMode(head.tree.config, after.spec.mode);
    if (!before) {
      item({ file, itemType: 'policy', name, change: 'added', to: modeAfter });
      continue;
    }
    const modeBefore = strongestMode(base.tree.config, before.spec.mode);
    if (modeBefore !== modeAfter)
      item({
        file,
        itemType: 'policy',
        name,
        change: 'mode-changed',
        from: modeBefore,
        to: modeAfter,
        detail:
          modeAfter === 'block'
            ? 'violations are now denied at admission'
            : 'violations now only warn and audit',
      });
    if (before.level !== after.level) {
      const rank = (l: string | undefined): number => (l === undefined ? -1 : PSS_LEVELS.indexOf(l as never));
      const d = rank(after.level) - rank(before.level);
      item({
        file,
        itemType: 'control',
        group: name,
        name: `${name}: level`,
        change: d > 0 ? 'narrowed' : 'widened',
        from: before.level ?? 'none',
        to: after.level ?? 'none',
      });
    }
    if (before.version.text !== after.version.text)
      item({
        file,
        itemType: 'control',
        group: name,
        name: `${name}: version`,
        change: 'modified',
        from: before.version.text,
        to: after.version.text,
      });
    const keys = new Set([...Object.keys(before.controls), ...Object.keys(after.controls)]);
    for (const key of [...keys].sort()) {
      const b = (before.controls as Record<string, unknown>)[key];
      const a = (after.controls as Record<string, unknown>)[key];
      if (same(a, b)) continue;
      const change = b === undefined ? 'narrowed' : a === undefined ? 'widened' : 'modified';
      item({
        file,
        itemType: 'control',
        group: name,
        name: `${name}: ${key}`,
        change,
        detail:
          b === undefined
            ? 'control added'
            : a === undefined
              ? 'control removed'
              : `${JSON.stringify(b)} → ${JSON.stringify(a)}`,
      });
    }
    for (const key of ['namespaces', 'namespaceSelector', 'exemptions'] as const)
      if (!same(before.spec[key], after.spec[key]))
        item({
          file,
          itemType: 'scope',
          name: `${name}: ${key}`,
          change: 'modified',
          detail: 'the namespaces the policy applies to changed',
        });
  }
  return items;
}

interface Verdicts {
  /** `policy/check` -> whether it is denied (block mode) in the workload's namespace. */
  violations: Map<string, boolean>;
  /** `policy/check` -> the violation's detail (`container "x" must set ...`). */
  details: Map<string, string>;
  /** The admission messages, per policy. */
  messages: Map<string, string>;
}

/** What a workload that every policy admits is judged: shared, never written to. */
const ADMITTED: Verdicts = { violations: new Map(), details: new Map(), messages: new Map() };

/** One side's policies as each workload is judged against them: those that decide, and where they are deployed. */
interface Judging {
  side: PodSecuritySide;
  policies: PodSecurityPolicy[];
  scope: ReturnType<typeof scopeOf>;
}

function judging(side: PodSecuritySide, skipped: ReadonlySet<string>): Judging {
  const policies = [...side.policies.values()].filter((p) => !skipped.has(p.name));
  return { side, policies, scope: scopeOf(side.tree.config) };
}

function judge(
  w: Workload,
  subject: PodSubject,
  { side, policies, scope }: Judging,
  workloads: Workloads,
): Verdicts {
  let out: Verdicts = ADMITTED;
  const namespaceLabels = workloads.namespaceLabels.get(w.namespace) ?? {};
  for (const policy of policies) {
    const result = evaluateAgainstPolicies(subject, [policy], {
      namespace: w.namespace,
      namespaceLabels,
      scope,
    });
    if (result.allowed) continue;
    if (out === ADMITTED) out = { violations: new Map(), details: new Map(), messages: new Map() };
    const blocks = modeIn(side.tree.config, policy.spec.mode, w.namespace) === 'block';
    out.messages.set(policy.name, result.message);
    for (const v of result.violations) {
      // A policy's own controls come as `policy/control`, a level's checks as the PSA check id.
      const key = v.check.startsWith(`${policy.name}/`) ? v.check : `${policy.name}/${v.check}`;
      out.violations.set(key, blocks);
      out.details.set(key, v.detail);
    }
  }
  return out;
}

/**
 * A violation as a control and an instruction: `container "a" must set X=true` says which
 * containers and what to set; other details are quoted as what to change.
 */
export function failedControl(key: string, detail: string): FailedControl {
  const slash = key.indexOf('/');
  const policy = key.slice(0, slash);
  const control = key.slice(slash + 1);
  const must = /^(?:containers? ((?:"[^"]*"(?:, )?)+) )?must (not )?(.*?)(?:, or the pod must)?$/.exec(
    detail,
  );
  if (!must) return { control, policy, containers: [], fix: `${control}: change ${detail}` };
  const containers = [...(must[1] ?? '').matchAll(/"([^"]*)"/g)].map((m) => m[1] as string);
  const what = must[3] as string;
  const fix = must[2] ? `do not ${what}` : what;
  return { control, policy, containers, fix };
}

/** The controls' fixes in one phrase: "set runAsNonRoot=true, privileged=false in securityContext". */
function compactFix(controls: readonly FailedControl[]): string {
  const fields: string[] = [];
  const others: string[] = [];
  for (const c of controls) {
    const m = /^(do not )?set securityContext\.(\S+?)=(\S+)$/.exec(c.fix);
    if (!m) others.push(c.fix);
    else fields.push(`${m[2] as string}=${m[1] && m[3] === 'true' ? 'false' : (m[3] as string)}`);
  }
  const set = fields.length > 0 ? [`set ${[...new Set(fields)].join(', ')} in securityContext`] : [];
  return [...set, ...new Set(others)].join('; ');
}

/**
 * The workloads whose admission the change makes worse: a violation the base did not have, or
 * one that only warned and is now denied (a policy switched from monitor to block).
 */
export function podSecurityImpacts(
  base: PodSecuritySide,
  head: PodSecuritySide,
  workloads: Workloads,
): { impacts: ImpactFinding[]; already: string[]; fixed: number } {
  const impacts: ImpactFinding[] = [];
  const already: string[] = [];
  let fixed = 0;
  // A policy the head cannot load decides nothing on either side: no workload is said to be
  // rejected by it, nor to be fixed because it is gone.
  const skipped = new Set(notLoading(base.policies, { loaded: head.policies, broken: head.broken }).keys());
  const onBase = judging(base, skipped);
  const onHead = judging(head, skipped);
  // Workloads of one template fail the same controls with the same details: each is read once.
  const failed = new Map<string, FailedControl>();
  const failedOnce = (key: string, detail: string): FailedControl => {
    // Names are data: a separator could be in them, a JSON array cannot be made ambiguous.
    const seen = JSON.stringify([key, detail]);
    let control = failed.get(seen);
    if (!control) failed.set(seen, (control = failedControl(key, detail)));
    return control;
  };
  const fixes = new Map<string, string>();
  const fixOnce = (controls: readonly FailedControl[]): string => {
    const seen = JSON.stringify(controls.map((c) => c.fix));
    let fix = fixes.get(seen);
    if (fix === undefined) fixes.set(seen, (fix = compactFix(controls)));
    return fix;
  };
  for (const w of workloads.list) {
    // Not a Pod or workload: no policy decides anything about it.
    const subject = PodSubject.of(w.object);
    if (!subject) continue;
    const before = judge(w, subject, onBase, workloads);
    const after = judge(w, subject, onHead, workloads);
    const worse = [...after.violations].filter(([key, blocks]) => {
      const was = before.violations.get(key);
      return was === undefined || (blocks && !was);
    });
    if (worse.length === 0) {
      if (after.violations.size > 0) already.push(`${w.namespace}/${w.owner}`);
      else if (before.violations.size > 0) fixed++;
      continue;
    }
    const policies = [...new Set(worse.map(([k]) => k.slice(0, k.indexOf('/'))))];
    const blocking = worse.some(([, blocks]) => blocks);
    const controls = worse.map(([key]) => failedOnce(key, after.details.get(key) ?? ''));
    const switched = policies.filter((name) => {
      const b = base.policies.get(name);
      return b !== undefined && modeIn(base.tree.config, b.spec.mode, w.namespace) !== 'block';
    });
    const target = targetOf(head.tree.config, w.namespace);
    impacts.push({
      kind: 'pod-security',
      severity: blocking ? 'block' : 'warn',
      category: blocking ? 'rejected by admission' : 'admitted with a warning',
      ...(target ? { target } : {}),
      namespace: w.namespace,
      subject: w.owner,
      reason: policies.map((name) => after.messages.get(name) ?? name).join('; '),
      count: worse.length,
      policy: policies.join(', '),
      breaks: controls.map((c) => c.control),
      fix: `${fixOnce(controls)}${blocking && switched.length > 0 ? `; or keep ${switched.join(', ')} in monitor` : ''}`,
      controls,
    });
  }
  return { impacts, already, fixed };
}

export const podSecuritySection: ImpactSection = {
  kind: 'pod-security',
  title: 'Pod security policies',
  async analyse(inputs: ImpactInputs) {
    const base = loadPodSecuritySide(inputs.base);
    const head = loadPodSecuritySide(inputs.head);
    const items = podSecurityItemChanges(base, head);
    const notes: string[] = [];
    let impacts: ImpactFinding[] = [];
    const cluster = await inputs.cluster;
    if (cluster) {
      const workloads = workloadsOf(cluster);
      const result = podSecurityImpacts(base, head, workloads);
      impacts = result.impacts;
      notes.push(
        `${workloads.list.length} workload(s) of ${cluster.source} evaluated (pods counted once, through their controller).`,
      );
      if (result.already.length > 0)
        notes.push(
          `${result.already.length} workload(s) already violated the base's policies the same way (not counted above): ${result.already.join(', ')}.`,
        );
      if (result.fixed > 0) notes.push(`${result.fixed} workload(s) no longer violate any policy.`);
    } else
      notes.push(
        'No cluster state was given (--snapshot or --kube-context): the workloads were not evaluated.',
      );
    return { kind: 'pod-security', title: 'Pod security policies', items, impacts, notes };
  },
};
