/**
 * AppArmor: the profile and rule diff (a new deny or a removed allow narrows; complain to enforce
 * is a mode change), the accesses the profiles in block mode would deny on the recorded events,
 * and the workloads that name a profile the change removes (their containers would not start).
 */
import { resolve } from 'node:path';
import { Reach } from '../core/reach.js';
import { SourceFile } from '../core/source.js';
import { loadProfileFile, mergeProfileSets } from '../languages/apparmor/index.js';
import { evaluateAccess, UNIX_TYPES } from '../languages/apparmor/index.js';
import type { Access, ProfileSet } from '../languages/apparmor/index.js';
import type { ProfileModel } from '../languages/apparmor/index.js';
import type { Mode } from '../core/kinds.js';
import type { Fields } from '../languages/falco/index.js';
import { loadErrors } from '../core/load-errors.js';
import { doesNotLoad, notLoading } from './does-not-load.js';
import type { BrokenFile } from './does-not-load.js';
import { attribute, DenialGroups, EventSubjects, HeldBack, unattributedNote } from './attribution.js';
import type { Attribution } from './attribution.js';
import { modeIn, strongestMode, targetOf, workloadsOf } from './cluster.js';
import { eventNotes } from './events.js';
import { profileReferences } from './profile-references.js';
import { lineOf } from './lines.js';
import type { ImpactFinding, ItemChange } from './model.js';
import type { ImpactInputs, ImpactSection, PolicyTree } from './section.js';
import { textOf } from '../core/text.js';

export interface AppArmorSide {
  /** The profiles of the files that load (what is evaluated). */
  set: ProfileSet;
  /** Top-level profiles by name, of the files that load. */
  profiles: Map<string, ProfileModel>;
  /**
   * The files apparmor_parser refuses, with their load errors and the profiles they define:
   * evaluated nowhere. An include fragment (rules outside any profile) does not load on its own
   * and is here too; the preview names it only where the base had profiles in that file.
   */
  broken: Map<string, BrokenFile>;
  tree: PolicyTree;
}

/**
 * Each file is loaded on its own with its includes, as the loader runs apparmor_parser on it;
 * the files that load are then evaluated together (a profile may name one of another file).
 * Includes are read from chs.yaml's include roots only, as before: the runner's /etc/apparmor.d
 * is not the nodes', and the abstractions it ships are unchecked (a note), not load errors.
 */
export function loadAppArmorSide(tree: PolicyTree): AppArmorSide {
  const roots = tree.config.apparmor.includeDirs.map((d) => resolve(tree.root, d));
  const options = { roots, bases: [tree.root], cwd: tree.root, reach: new Reach([tree.root, ...roots]) };
  const loading: ProfileSet[] = [];
  const broken = new Map<string, BrokenFile>();
  for (const path of tree.files.get('apparmor') ?? []) {
    const text = tree.read(path);
    if (text === undefined) continue;
    const { set, findings } = loadProfileFile({ path, text }, options, tree.config);
    const sources = new Map([...set.texts].map(([p, t]) => [p, new SourceFile(p, t)]));
    const errors = loadErrors(findings, tree.config, sources);
    if (errors.length === 0) {
      loading.push(set);
      continue;
    }
    const names = set.model.profiles.filter((p) => !p.parent && p.file === path).map((p) => p.name);
    broken.set(path, { names: [...new Set(names)], errors });
  }
  const set = mergeProfileSets(loading);
  const profiles = new Map<string, ProfileModel>();
  for (const p of set.model.profiles) if (!p.parent && !profiles.has(p.name)) profiles.set(p.name, p);
  return { set, profiles, broken, tree };
}

/** A profile's own mode from its flags; undefined when its target decides. */
export function ownMode(profile: ProfileModel): Mode | undefined {
  if (['complain', 'unconfined', 'default_allow'].some((f) => profile.flags.has(f))) return 'monitor';
  if (profile.flags.has('enforce') || profile.flags.has('kill')) return 'block';
  return undefined;
}

function ruleTexts(
  side: AppArmorSide,
  profile: ProfileModel,
): Map<string, { deny: boolean; file: string; start: number }> {
  const out = new Map<string, { deny: boolean; file: string; start: number }>();
  for (const placed of profile.rules) {
    const text = side.set.texts.get(placed.file);
    if (text === undefined) continue;
    const source = text
      .slice(placed.rule.start, placed.rule.end)
      .replace(/\s+/g, ' ')
      .replace(/\s*,$/, '')
      .trim();
    out.set(source, {
      deny: placed.rule.qualifiers.deny !== undefined,
      file: placed.file,
      start: placed.rule.start,
    });
  }
  return out;
}

const optionalLine = (line: number | undefined): { line?: number } => (line === undefined ? {} : { line });

export function appArmorItemChanges(base: AppArmorSide, head: AppArmorSide): ItemChange[] {
  const items: ItemChange[] = [];
  const broken = notLoading(base.profiles, { loaded: head.profiles, broken: head.broken });
  for (const [name, { file, errors }] of broken)
    items.push({
      kind: 'apparmor',
      file,
      itemType: 'profile',
      name,
      change: 'does-not-load',
      detail: doesNotLoad(errors),
    });
  for (const [name, p] of base.profiles)
    if (!head.profiles.has(name) && !broken.has(name))
      items.push({ kind: 'apparmor', file: p.file, itemType: 'profile', name, change: 'removed' });
  for (const [name, after] of head.profiles) {
    const before = base.profiles.get(name);
    const modeAfter = strongestMode(head.tree.config, ownMode(after));
    if (!before) {
      items.push({
        kind: 'apparmor',
        file: after.file,
        itemType: 'profile',
        name,
        change: 'added',
        to: modeAfter,
      });
      continue;
    }
    const modeBefore = strongestMode(base.tree.config, ownMode(before));
    if (modeBefore !== modeAfter)
      items.push({
        kind: 'apparmor',
        file: after.file,
        ...optionalLine(lineOf(head.tree, after.file, after.node.start)),
        itemType: 'profile',
        name,
        change: 'mode-changed',
        from: modeBefore,
        to: modeAfter,
        detail:
          modeAfter === 'block'
            ? 'the profile now enforces: what it does not allow is denied'
            : 'the profile now only complains',
      });
    const rulesBefore = ruleTexts(base, before);
    const rulesAfter = ruleTexts(head, after);
    for (const [text, { deny, file, start }] of rulesAfter)
      if (!rulesBefore.has(text))
        items.push({
          kind: 'apparmor',
          file: after.file,
          ...optionalLine(file === after.file ? lineOf(head.tree, file, start) : undefined),
          itemType: 'profile rule',
          group: name,
          name: `${name}: ${text}`,
          change: deny ? 'narrowed' : 'widened',
          detail: deny ? 'deny rule added' : 'allow rule added',
        });
    for (const [text, { deny }] of rulesBefore)
      if (!rulesAfter.has(text))
        items.push({
          kind: 'apparmor',
          file: after.file,
          itemType: 'profile rule',
          group: name,
          name: `${name}: ${text}`,
          change: deny ? 'widened' : 'narrowed',
          detail: deny ? 'deny rule removed' : 'allow rule removed',
        });
  }
  return items;
}

interface Decision {
  head: boolean;
  base: boolean;
  /** How the access reads in the report. */
  example: string;
}

/** One profile's decisions by access: execs and opens by permissions, each by path. */
interface ProfileDecisions {
  exec: Map<string, Decision>;
  r: Map<string, Decision>;
  w: Map<string, Decision>;
  rw: Map<string, Decision>;
  '': Map<string, Decision>;
  /** Socket, io_uring and user namespace accesses, by description. */
  other: Map<string, Decision>;
}

function newProfileDecisions(): ProfileDecisions {
  return { exec: new Map(), r: new Map(), w: new Map(), rw: new Map(), '': new Map(), other: new Map() };
}

function openDecisions(decisions: ProfileDecisions, permissions: string): Map<string, Decision> | undefined {
  return permissions === 'r' || permissions === 'w' || permissions === 'rw' || permissions === ''
    ? decisions[permissions]
    : undefined;
}

const OPEN_TYPES = new Set(['open', 'openat', 'openat2', 'creat']);
const EXEC_TYPES = new Set(['execve', 'execveat']);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** What an open's flags say, by flags text (recorded events repeat a handful of them). */
const flagsSeen = new Map<string, { write: boolean; readWrite: boolean }>();
function openFlags(flags: string): { write: boolean; readWrite: boolean } {
  let seen = flagsSeen.get(flags);
  if (!seen) {
    seen = { write: /O_(WRONLY|RDWR|CREAT|TRUNC|APPEND)/.test(flags), readWrite: /O_RDWR/.test(flags) };
    if (flagsSeen.size < 1_000) flagsSeen.set(flags, seen);
  }
  return seen;
}

const UNIX_EVENTS: Readonly<Record<string, string>> = {
  connect: 'connect',
  bind: 'bind',
  listen: 'listen',
  accept: 'accept',
  accept4: 'accept',
};
const CLONE_TYPES = new Set(['clone', 'clone3', 'unshare']);

/**
 * The address of a unix socket event's descriptor: Falco names it `SRC->DST PATH` (or the path
 * alone); abstract names start with @. An empty one is an unbound socket.
 */
function unixAddress(name: string): string {
  const path = name.includes('->') ? name.slice(name.lastIndexOf(' ') + 1) : name;
  return path.startsWith('/') || path.startsWith('@') ? path : 'none';
}

/**
 * The socket access of a unix socket event. The type and the peer's label are not recorded:
 * connecting to an abstract address is decided by the peer's label too, so only sockets bound to
 * a path (file rules decide) and the local operations are taken.
 */
function unixAccessOf(type: string, fields: Fields): Access | undefined {
  const permission = UNIX_EVENTS[type];
  if (!permission || (fields['fd.typechar'] !== 'u' && fields['fd.type'] !== 'unix')) return undefined;
  const addr = unixAddress(textOf(fields['fd.name']));
  if (permission === 'connect')
    return addr.startsWith('/') ? { unix: { access: permission, addr: 'none', peer: { addr } } } : undefined;
  return { unix: { access: permission, addr } };
}

/**
 * The access an event records: a file open or exec with a path, a unix socket operation, an
 * io_uring set up with a polling thread, a new user namespace. mqueue and dbus accesses are not
 * in syscall events (mq_open is recorded without its name; dbus is a bus daemon's decision).
 */
export function accessOf(fields: Fields): Access | undefined {
  const type = fields['evt.type'];
  if (typeof type !== 'string') return undefined;
  if (type in UNIX_EVENTS) return unixAccessOf(type, fields);
  if (type === 'io_uring_setup')
    return textOf(fields['evt.arg.flags']).includes('IORING_SETUP_SQPOLL')
      ? { io_uring: { access: 'sqpoll' } }
      : undefined;
  if (CLONE_TYPES.has(type))
    return textOf(fields['evt.arg.flags']).includes('CLONE_NEWUSER')
      ? { userns: { access: 'create' } }
      : undefined;
  if (EXEC_TYPES.has(type)) {
    const path =
      str(fields['proc.exepath']) ?? str(fields['evt.arg.filename']) ?? str(fields['evt.arg.pathname']);
    return path?.startsWith('/') ? { exec: path } : undefined;
  }
  if (OPEN_TYPES.has(type)) {
    const path = str(fields['fd.name']) ?? str(fields['evt.arg.name']);
    if (!path?.startsWith('/')) return undefined;
    const flags = openFlags(textOf(fields['evt.arg.flags']));
    const write = fields['evt.is_open_write'] === true || flags.write || type === 'creat';
    const read = fields['evt.is_open_read'] === true || !write || flags.readWrite;
    return { path, permissions: read ? (write ? 'rw' : 'r') : write ? 'w' : '' };
  }
  return undefined;
}

function describe(access: Access): string {
  if ('exec' in access) return `exec ${access.exec}`;
  if ('path' in access) return `${access.permissions} ${access.path}`;
  if ('unix' in access) {
    const u = access.unix;
    return `unix ${String(u.access)} ${u.peer?.addr ?? u.addr ?? ''}`.trim();
  }
  if ('io_uring' in access) return 'io_uring sqpoll';
  if ('userns' in access) return 'userns create';
  return JSON.stringify(access);
}

/**
 * Whether a profile denies an access. A unix access whose socket type the event does not record
 * is denied only when it is denied for every type.
 */
function deniedBy(set: ProfileSet, profile: string, access: Access): boolean {
  if ('unix' in access && access.unix.type === undefined)
    return UNIX_TYPES.every(
      (type) =>
        evaluateAccess(set, profile, { unix: { ...access.unix, type } }, { enforce: true }).decision ===
        'deny',
    );
  return evaluateAccess(set, profile, access, { enforce: true }).decision === 'deny';
}

/** A removed profile looks renamed when its file now defines a profile the base did not have. */
function renames(base: AppArmorSide, head: AppArmorSide): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  const broken = notLoading(base.profiles, { loaded: head.profiles, broken: head.broken });
  for (const [name, p] of base.profiles) {
    // A profile that does not load is not removed: render and deploy refuse it (the lint gate).
    if (head.profiles.has(name) || broken.has(name)) continue;
    const successor = [...head.profiles.values()].find(
      (h) => h.file === p.file && !base.profiles.has(h.name),
    );
    out.set(name, successor?.name);
  }
  return out;
}

export const appArmorSection: ImpactSection = {
  kind: 'apparmor',
  title: 'AppArmor profiles',
  async analyse(inputs: ImpactInputs) {
    const base = loadAppArmorSide(inputs.base);
    const head = loadAppArmorSide(inputs.head);
    const items = appArmorItemChanges(base, head);
    const groups = new DenialGroups();
    let accesses = 0;
    // A decision depends on the profile and the access; the mode (per namespace) is applied
    // after. Recorded events repeat the same accesses: each distinct (profile, access) is
    // evaluated once and the answer, with its description, kept.
    const decisions = new Map<string, ProfileDecisions>();
    let cached = 0;
    const decide = (profile: string, access: Access): Decision => {
      let byAccess = decisions.get(profile);
      if (!byAccess) decisions.set(profile, (byAccess = newProfileDecisions()));
      const byPath =
        'exec' in access
          ? byAccess.exec
          : 'path' in access
            ? openDecisions(byAccess, access.permissions)
            : byAccess.other;
      const path = 'exec' in access ? access.exec : 'path' in access ? access.path : describe(access);
      let d = byPath?.get(path);
      if (d) return d;
      const denies = (side: AppArmorSide): boolean => {
        if (!side.profiles.has(profile)) return false;
        try {
          return deniedBy(side.set, profile, access);
        } catch {
          return false;
        }
      };
      const headDenies = denies(head);
      // The base's answer only matters for accesses the head denies.
      d = { head: headDenies, base: headDenies && denies(base), example: describe(access) };
      if (byPath && cached++ < 200_000) byPath.set(path, d);
      return d;
    };
    // Whether the profile blocks in the namespace, on each side, by attribution (the same object
    // comes back for every event of a workload and container).
    const modes = new Map<object, { head: boolean; base: boolean }>();
    const modeOf = (who: Attribution & { ok: true }): { head: boolean; base: boolean } => {
      let mode = modes.get(who);
      if (!mode) {
        const inBlock = (side: AppArmorSide): boolean => {
          const p = side.profiles.get(who.profile);
          return p !== undefined && modeIn(side.tree.config, ownMode(p), who.namespace) === 'block';
        };
        mode = { head: inBlock(head), base: inBlock(base) };
        if (modes.size < 100_000) modes.set(who, mode);
      }
      return mode;
    };
    // The accesses are judged by the workload of their pod: until the cluster state is read
    // (beside the event pass), they are held back.
    const subjects = inputs.subjects ?? new EventSubjects();
    const held = new HeldBack<Access>();
    const done = inputs.feed.subscribe((event) => {
      const access = accessOf(event.fields);
      if (!access) return;
      accesses++;
      held.add(subjects.of(event.fields), access);
    }, 'apparmor');
    const cluster = await inputs.cluster;
    const workloads = cluster ? workloadsOf(cluster) : undefined;
    held.release((subject, access) => {
      const who = attribute(subject, workloads, 'apparmor');
      if (!who.ok) {
        groups.notAttributed(who.why);
        return;
      }
      const mode = modeOf(who);
      if (!mode.head) return;
      const d = decide(who.profile, access);
      if (d.head) groups.add(who, d.example, !(mode.base && d.base));
    });
    const stats = await done;
    const impacts: ImpactFinding[] = [];
    for (const g of groups.values()) {
      const target = targetOf(inputs.head.config, g.namespace);
      const before = base.profiles.get(g.profile);
      const blockedBefore =
        before !== undefined && modeIn(base.tree.config, ownMode(before), g.namespace) === 'block';
      impacts.push({
        kind: 'apparmor',
        policy: g.profile,
        breaks: g.denied.top(3).map((t) => (t.count > 1 ? `${t.key} (${t.count}×)` : t.key)),
        fix: blockedBefore
          ? `allow these accesses in ${g.profile} again`
          : `keep ${g.profile} in monitor, or allow these accesses in it`,
        severity: g.fresh > 0 ? 'block' : 'info',
        category: g.fresh > 0 ? 'accesses denied' : 'accesses already denied',
        ...(target ? { target } : {}),
        namespace: g.namespace,
        subject: g.owner,
        reason: `profile ${g.profile} in block mode denies ${g.denied.total} recorded access(es) (${g.fresh} not denied before, ${g.denied.distinct} distinct)`,
        count: g.denied.total,
        examples: g.denied.top(3).map((t) => `${t.key} (${t.count}×)`),
      });
    }
    const notes = eventNotes(stats, inputs.events.length);
    profileReferences(
      'apparmor',
      () => renames(base, head),
      head.profiles.keys(),
      workloads,
      inputs.head.config,
      impacts,
      notes,
    );
    if (inputs.events.length > 0) {
      notes.push(
        `${accesses} access(es) (file opens and execs, unix sockets, io_uring, user namespaces) among ${stats.events} recorded event(s) were checked against the profiles in block mode.`,
      );
      const note = unattributedNote(groups.unattributed, 'Accesses');
      if (note) notes.push(note);
    }
    return { kind: 'apparmor', title: 'AppArmor profiles', items, impacts, notes };
  },
};
