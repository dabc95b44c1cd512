/**
 * seccomp: the diff of each profile's decisions, grouped by what changed (calls newly refused,
 * newly allowed, the default action, the mode), and the system calls that the profiles in block
 * mode would refuse on the recorded events; workloads naming a removed profile would not start.
 */
import { seccompPathsOn, seccompProfileAt } from '../core/delivery.js';
import { SourceFile } from '../core/source.js';
import type { Mode } from '../core/kinds.js';
import { evaluateSyscall, isKnownSyscall, loadFindings, readProfile } from '../languages/seccomp/index.js';
import { loadErrors } from '../core/load-errors.js';
import { doesNotLoad } from './does-not-load.js';
import type { SeccompProfile } from '../languages/seccomp/index.js';
import { profileReferences } from './profile-references.js';
import { attribute, DenialGroups, EventSubjects, HeldBack, unattributedNote } from './attribution.js';
import type { Attribution } from './attribution.js';
import { modeIn, strongestMode, targetOf, workloadsOf } from './cluster.js';
import { eventNotes } from './events.js';
import type { ImpactFinding, ItemChange } from './model.js';
import type { ImpactInputs, ImpactSection, PolicyTree } from './section.js';

export interface SeccompSide {
  /** Profiles by path relative to the repository root (what a pod's localhostProfile names). */
  profiles: Map<string, SeccompProfile>;
  texts: Map<string, string>;
  /** Profiles the runtime refuses (an unknown action...), with their load errors: evaluated nowhere. */
  broken: Map<string, string[]>;
  tree: PolicyTree;
}

export function loadSeccompSide(tree: PolicyTree): SeccompSide {
  const profiles = new Map<string, SeccompProfile>();
  const texts = new Map<string, string>();
  const broken = new Map<string, string[]>();
  for (const path of tree.files.get('seccomp') ?? []) {
    const text = tree.read(path);
    if (text === undefined) continue;
    const source = new SourceFile(path, text);
    const errors = loadErrors(
      loadFindings(source, tree.config, tree.root),
      tree.config,
      new Map([[path, source]]),
    );
    if (errors.length > 0) {
      broken.set(path, errors);
      continue;
    }
    // The profile loadFindings parsed: one tree per file.
    const parsed = readProfile(source, tree.config.seccomp.runtime);
    if (parsed.profile) {
      profiles.set(path, parsed.profile);
      texts.set(path, text);
    }
  }
  return { profiles, texts, broken, tree };
}

const ALLOWED = new Set(['SCMP_ACT_ALLOW', 'SCMP_ACT_LOG']);
const REFUSED = new Set([
  'SCMP_ACT_ERRNO',
  'SCMP_ACT_KILL',
  'SCMP_ACT_KILL_PROCESS',
  'SCMP_ACT_KILL_THREAD',
  'SCMP_ACT_TRAP',
]);

/** 2 allowed, 1 handed to a tracer or a listener, 0 refused. */
function permissiveness(action: string): number {
  return ALLOWED.has(action) ? 2 : REFUSED.has(action) ? 0 : 1;
}

/** What a profile in its mode does to one system call, on each side. */
interface Refusal {
  head?: string;
  base?: string;
  /** `syscall → action`, when the head refuses it. */
  example?: string;
}

export function refuses(action: string): boolean {
  return REFUSED.has(action);
}

function ownMode(profile: SeccompProfile): Mode | undefined {
  return profile.mode?.value;
}

/**
 * The system calls a profile names, added to `names`. A name no architecture has decides nothing
 * (evaluateSyscall knows it on neither side): left out, so that 750,000 of them make no Set.
 */
function addNamesOf(profile: SeccompProfile, names: Set<string>): Set<string> {
  for (const entry of profile.entries) {
    for (const n of entry.names.values) if (isKnownSyscall(n)) names.add(n);
    if (entry.name && isKnownSyscall(entry.name.value)) names.add(entry.name.value);
  }
  return names;
}

function defaultAction(profile: SeccompProfile): string {
  return profile.defaultAction?.value ?? '?';
}

export function seccompItemChanges(base: SeccompSide, head: SeccompSide): ItemChange[] {
  const items: ItemChange[] = [];
  for (const [path, errors] of head.broken)
    items.push({
      kind: 'seccomp',
      file: path,
      itemType: 'profile',
      name: path,
      change: 'does-not-load',
      detail: doesNotLoad(errors),
    });
  for (const path of base.profiles.keys())
    if (!head.profiles.has(path) && !head.broken.has(path))
      items.push({ kind: 'seccomp', file: path, itemType: 'profile', name: path, change: 'removed' });
  for (const [path, after] of head.profiles) {
    const before = base.profiles.get(path);
    const modeAfter = strongestMode(head.tree.config, ownMode(after));
    if (!before) {
      items.push({
        kind: 'seccomp',
        file: path,
        itemType: 'profile',
        name: path,
        change: 'added',
        to: modeAfter,
      });
      continue;
    }
    const modeBefore = strongestMode(base.tree.config, ownMode(before));
    if (modeBefore !== modeAfter)
      items.push({
        kind: 'seccomp',
        file: path,
        itemType: 'profile',
        name: path,
        change: 'mode-changed',
        from: modeBefore,
        to: modeAfter,
        detail: modeAfter === 'block' ? 'refused calls now fail' : 'refused calls are now only logged',
      });
    const da = defaultAction(after);
    const db = defaultAction(before);
    if (da !== db) {
      const p = permissiveness(da) - permissiveness(db);
      items.push({
        kind: 'seccomp',
        file: path,
        itemType: 'defaultAction',
        group: path,
        name: `${path} defaultAction`,
        change: p > 0 ? 'widened' : p < 0 ? 'narrowed' : 'modified',
        from: db,
        to: da,
      });
    }
    // Calls named on either side, decided on each: grouped by (before -> after).
    const groups = new Map<string, string[]>();
    for (const name of addNamesOf(after, addNamesOf(before, new Set<string>()))) {
      const b = evaluateSyscall(before, { syscall: name });
      const a = evaluateSyscall(after, { syscall: name });
      if (!a.known && !b.known) continue;
      if (a.action === b.action && a.errno === b.errno) continue;
      const key = `${b.action}\u0000${a.action}`;
      const list = groups.get(key) ?? [];
      list.push(name);
      groups.set(key, list);
    }
    for (const [key, names] of groups) {
      const [from, to] = key.split('\u0000') as [string, string];
      const p = permissiveness(to) - permissiveness(from);
      items.push({
        kind: 'seccomp',
        file: path,
        itemType: 'syscall group',
        group: path,
        name: names.sort().join(', '),
        change: p > 0 ? 'widened' : p < 0 ? 'narrowed' : 'modified',
        from,
        to,
        detail: `${from} → ${to}`,
      });
    }
  }
  return items;
}

/** Maps the path a pod names to a side's repository file, per namespace (each answer kept). */
function resolverOf(
  ...sides: SeccompSide[]
): (side: SeccompSide, localhostProfile: string, namespace: string) => string | undefined {
  const answers = new Map<SeccompSide, Map<string, string | undefined>>(sides.map((s) => [s, new Map()]));
  return (side, localhostProfile, namespace) => {
    const cache = answers.get(side) as Map<string, string | undefined>;
    const key = `${namespace}\u0000${localhostProfile}`;
    if (cache.has(key)) return cache.get(key);
    const config = side.tree.config;
    const targetName = targetOf(config, namespace);
    const target = config.targets.find((t) => t.name === targetName);
    const file = seccompProfileAt(config, target, localhostProfile, side.profiles.keys());
    if (cache.size < 100_000) cache.set(key, file);
    return file;
  };
}

/** A removed profile whose exact text reappears under another path was renamed. */
function renames(base: SeccompSide, head: SeccompSide): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const [path, text] of base.texts) {
    // A profile that does not load is not removed: render and deploy refuse it (the lint gate).
    if (head.profiles.has(path) || head.broken.has(path)) continue;
    const successor = [...head.texts].find(([p, t]) => !base.texts.has(p) && t === text)?.[0];
    out.set(path, successor);
  }
  return out;
}

export const seccompSection: ImpactSection = {
  kind: 'seccomp',
  title: 'seccomp profiles',
  async analyse(inputs: ImpactInputs) {
    const base = loadSeccompSide(inputs.base);
    const head = loadSeccompSide(inputs.head);
    const items = seccompItemChanges(base, head);
    // A pod names a profile by the path its target installs it at (core/delivery.ts): each side
    // maps that path back to its own repository file, with its own chs.yaml.
    const resolve = resolverOf(base, head);
    // The architecture a call is decided on: its pod's node's, else the only one the cluster
    // has, else x86_64 (as before node architectures were read). Known with the cluster state.
    let architectures: readonly string[] = [];
    let fallbackArch = 'amd64';
    // The refusals of a system call depend on the profile, the namespace (its mode), the node's
    // architecture and the call: by attribution (the same object for every event of a workload
    // and container) and architecture, then by call, each decided once with its description
    // (nothing built per event).
    const byAttribution = new Map<object, Map<string, Map<string, Refusal>>>();
    const decisions = new Map<string, Map<string, Refusal>>();
    const groups = new DenialGroups();
    let calls = 0;
    let cached = 0;
    const refusalOn = (
      side: SeccompSide,
      profilePath: string,
      namespace: string,
      syscall: string,
      arch: string,
    ): string | undefined => {
      const file = resolve(side, profilePath, namespace);
      const p = file === undefined ? undefined : side.profiles.get(file);
      if (!p || modeIn(side.tree.config, ownMode(p), namespace) !== 'block') return undefined;
      const e = evaluateSyscall(p, { syscall, arch });
      return e.known && refuses(e.action) ? e.action : undefined;
    };
    const decide = (who: Attribution & { ok: true }, syscall: string, arch: string): Refusal => {
      let byArch = byAttribution.get(who);
      if (!byArch) {
        byArch = new Map<string, Map<string, Refusal>>();
        if (byAttribution.size < 100_000) byAttribution.set(who, byArch);
      }
      let bySyscall = byArch.get(arch);
      if (!bySyscall) {
        const key = `${who.profile}\u0000${who.namespace}\u0000${arch}`;
        bySyscall = decisions.get(key);
        if (!bySyscall) decisions.set(key, (bySyscall = new Map<string, Refusal>()));
        byArch.set(arch, bySyscall);
      }
      let d = bySyscall.get(syscall);
      if (d) return d;
      const { profile, namespace } = who;
      const h = refusalOn(head, profile, namespace, syscall, arch);
      const b = refusalOn(base, profile, namespace, syscall, arch);
      // On a cluster of several architectures, a refusal that another one does not share is said.
      const allowedOn = h
        ? architectures.filter(
            (other) => other !== arch && !refusalOn(head, profile, namespace, syscall, other),
          )
        : [];
      const only = allowedOn.length > 0 ? ` (on ${arch} only; not refused on ${allowedOn.join(', ')})` : '';
      d = {
        ...(h ? { head: h, example: `${syscall} → ${h}${only}` } : {}),
        ...(b ? { base: b } : {}),
      };
      if (cached++ < 200_000) bySyscall.set(syscall, d);
      return d;
    };
    // The calls are judged by the workload of their pod: until the cluster state is read (beside
    // the event pass), they are held back.
    const subjects = inputs.subjects ?? new EventSubjects();
    const held = new HeldBack<string>();
    const done = inputs.feed.subscribe((event) => {
      if (event.source !== 'syscall') return;
      const syscall = event.fields['evt.type'];
      if (typeof syscall !== 'string') return;
      calls++;
      held.add(subjects.of(event.fields), syscall);
    }, 'seccomp');
    const cluster = await inputs.cluster;
    const workloads = cluster ? workloadsOf(cluster) : undefined;
    architectures = workloads?.architectures ?? [];
    fallbackArch = architectures.length === 1 ? (architectures[0] as string) : 'amd64';
    held.release((subject, syscall) => {
      const who = attribute(subject, workloads, 'seccomp');
      if (!who.ok) {
        groups.notAttributed(who.why);
        return;
      }
      // One architecture in the cluster (or none known): no lookup per event.
      const arch =
        (architectures.length > 1 && subject ? workloads?.podArch(who.namespace, subject.pod) : undefined) ??
        fallbackArch;
      const d = decide(who, syscall, arch);
      if (d.example !== undefined) groups.add(who, d.example, !d.base);
    });
    const stats = await done;
    const impacts: ImpactFinding[] = [];
    for (const g of groups.values()) {
      const target = targetOf(inputs.head.config, g.namespace);
      const beforeFile = resolve(base, g.profile, g.namespace);
      const before = beforeFile === undefined ? undefined : base.profiles.get(beforeFile);
      const blockedBefore =
        before !== undefined && modeIn(base.tree.config, ownMode(before), g.namespace) === 'block';
      const calls = g.denied.top(3).map((t) => t.key.split(' → ')[0] as string);
      const file = resolve(head, g.profile, g.namespace) ?? g.profile;
      impacts.push({
        kind: 'seccomp',
        policy: file,
        breaks: g.denied.top(3).map((t) => (t.count > 1 ? `${t.key} (${t.count}×)` : t.key)),
        fix: blockedBefore
          ? `allow ${calls.join(', ')} in ${file} again`
          : `allow ${calls.join(', ')} in ${file}, or keep it in monitor`,
        severity: g.fresh > 0 ? 'block' : 'info',
        category: g.fresh > 0 ? 'system calls refused' : 'system calls already refused',
        ...(target ? { target } : {}),
        namespace: g.namespace,
        subject: g.owner,
        reason: `profile ${file} in block mode refuses ${g.denied.total} recorded system call(s) (${g.fresh} not refused before)`,
        count: g.denied.total,
        examples: g.denied.top(3).map((t) => `${t.key} (${t.count}×)`),
      });
    }
    const notes = eventNotes(stats, inputs.events.length);
    profileReferences(
      'seccomp',
      () => renames(base, head),
      head.profiles.keys(),
      workloads,
      inputs.head.config,
      impacts,
      notes,
      (profile, namespace, side) => resolve(side === 'base' ? base : head, profile, namespace),
      (file, namespace) => {
        const config = inputs.head.config;
        const target = config.targets.find((t) => t.name === targetOf(config, namespace));
        return target ? (seccompPathsOn(config, [target], file)[0] ?? file) : file;
      },
    );
    if (inputs.events.length > 0) {
      notes.push(
        `${calls} system call event(s) among ${stats.events} recorded event(s) were checked against the profiles in block mode.`,
      );
      const note = unattributedNote(groups.unattributed, 'System calls');
      if (note) notes.push(note);
    }
    return { kind: 'seccomp', title: 'seccomp profiles', items, impacts, notes };
  },
};
