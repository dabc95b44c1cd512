/**
 * seccomp: the diff of each profile's decisions, grouped by what changed (calls newly refused,
 * newly allowed, the default action, the mode), and the system calls that the profiles in block
 * mode would refuse on the recorded events; workloads naming a removed profile would not start.
 */
import { SourceFile } from '../core/source.js';
import type { Mode } from '../core/kinds.js';
import { evaluateSyscall, loadFindings, parseSeccompProfile } from '../languages/seccomp/index.js';
import { loadErrors } from '../testing/kinds/where.js';
import { doesNotLoad } from './does-not-load.js';
import type { SeccompProfile } from '../languages/seccomp/index.js';
import { profileReferences } from './profile-references.js';
import { attribute, DenialGroups, unattributedNote } from './attribution.js';
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
    const parsed = parseSeccompProfile(source, { runtime: tree.config.seccomp.runtime });
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

function namesOf(profile: SeccompProfile): Set<string> {
  const names = new Set<string>();
  for (const entry of profile.entries) {
    for (const n of entry.names) names.add(n.value);
    if (entry.name) names.add(entry.name.value);
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
    for (const name of new Set([...namesOf(before), ...namesOf(after)])) {
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

/** A removed profile whose exact text reappears under another path was renamed. */
function renames(base: SeccompSide, head: SeccompSide): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const [path, text] of base.texts) {
    if (head.profiles.has(path)) continue;
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
    const workloads = inputs.cluster ? workloadsOf(inputs.cluster) : undefined;
    // The refusals of a system call depend on the profile, the namespace (its mode) and the call:
    // by attribution (the same object for every event of a workload and container), then by
    // call, each decided once with its description (nothing built per event).
    const byAttribution = new Map<object, Map<string, Refusal>>();
    const decisions = new Map<string, Map<string, Map<string, Refusal>>>();
    const groups = new DenialGroups();
    let calls = 0;
    let cached = 0;
    const callsOf = (profile: string, namespace: string): Map<string, Refusal> => {
      let byNs = decisions.get(profile);
      if (!byNs) decisions.set(profile, (byNs = new Map<string, Map<string, Refusal>>()));
      let bySyscall = byNs.get(namespace);
      if (!bySyscall) byNs.set(namespace, (bySyscall = new Map<string, Refusal>()));
      return bySyscall;
    };
    const decide = (who: Attribution & { ok: true }, syscall: string): Refusal => {
      let bySyscall = byAttribution.get(who);
      if (!bySyscall) {
        bySyscall = callsOf(who.profile, who.namespace);
        if (byAttribution.size < 100_000) byAttribution.set(who, bySyscall);
      }
      let d = bySyscall.get(syscall);
      if (d) return d;
      const { profile, namespace } = who;
      const refusal = (side: SeccompSide): string | undefined => {
        const p = side.profiles.get(profile);
        if (!p || modeIn(side.tree.config, ownMode(p), namespace) !== 'block') return undefined;
        const e = evaluateSyscall(p, { syscall });
        return e.known && refuses(e.action) ? e.action : undefined;
      };
      const h = refusal(head);
      const b = refusal(base);
      d = {
        ...(h ? { head: h, example: `${syscall} → ${h}` } : {}),
        ...(b ? { base: b } : {}),
      };
      if (cached++ < 200_000) bySyscall.set(syscall, d);
      return d;
    };
    const done = inputs.feed.subscribe((event) => {
      if (event.source !== 'syscall') return;
      const syscall = event.fields['evt.type'];
      if (typeof syscall !== 'string') return;
      calls++;
      const who = attribute(event.fields, workloads, 'seccomp');
      if (!who.ok) {
        groups.notAttributed(who.why);
        return;
      }
      const d = decide(who, syscall);
      if (d.example !== undefined) groups.add(who, d.example, !d.base);
    }, 'seccomp');
    const stats = await done;
    const impacts: ImpactFinding[] = [];
    for (const g of groups.values()) {
      const target = targetOf(inputs.head.config, g.namespace);
      const before = base.profiles.get(g.profile);
      const blockedBefore =
        before !== undefined && modeIn(base.tree.config, ownMode(before), g.namespace) === 'block';
      const calls = g.denied.top(3).map((t) => t.key.split(' → ')[0] as string);
      impacts.push({
        kind: 'seccomp',
        policy: g.profile,
        breaks: g.denied.top(3).map((t) => (t.count > 1 ? `${t.key} (${t.count}×)` : t.key)),
        fix: blockedBefore
          ? `allow ${calls.join(', ')} in ${g.profile} again`
          : `allow ${calls.join(', ')} in ${g.profile}, or keep it in monitor`,
        severity: g.fresh > 0 ? 'block' : 'info',
        category: g.fresh > 0 ? 'system calls refused' : 'system calls already refused',
        ...(target ? { target } : {}),
        namespace: g.namespace,
        subject: g.owner,
        reason: `profile ${g.profile} in block mode refuses ${g.denied.total} recorded system call(s) (${g.fresh} not refused before)`,
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
