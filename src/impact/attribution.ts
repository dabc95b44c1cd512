/**
 * Which repository profile an event ran under: the event's namespace and pod (and container
 * when recorded) lead to a workload of the cluster state and its container's Localhost profile.
 * An event that cannot be placed is counted as such, never guessed.
 */
import type { Fields } from '../languages/falco/index.js';
import type { Attribution, Workload, Workloads } from './cluster.js';
import { Tally } from './events.js';

export type { Attribution } from './cluster.js';

type Failure = Extract<Attribution, { ok: false }>;
const FAILED: Record<Failure['why'], Failure> = {
  'no-profile': { ok: false, why: 'no-profile' },
  'no-pod-fields': { ok: false, why: 'no-pod-fields' },
  'unknown-pod': { ok: false, why: 'unknown-pod' },
  'ambiguous-container': { ok: false, why: 'ambiguous-container' },
};

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function decide(
  workload: Workload,
  container: string | undefined,
  kind: 'apparmor' | 'seccomp',
): Attribution {
  const named =
    container === undefined ? undefined : workload.containers.find((c) => c.container === container);
  const candidates = named ? [named] : workload.containers;
  const profiles = new Set(candidates.map((c) => c[kind]));
  if (profiles.size !== 1) return FAILED['ambiguous-container'];
  const profile = [...profiles][0];
  if (profile === undefined) return FAILED['no-profile'];
  return { ok: true, workload, profile, namespace: workload.namespace };
}

/**
 * The pod (and container) an event names, the same object for every event of it (`EventSubjects`):
 * what attribution needs of an event, small enough to hold back while the cluster state is read.
 */
export interface EventSubject {
  namespace: string;
  pod: string;
  container: string | undefined;
  /** Each kind's answer, once asked (`attribute`). */
  apparmor?: Attribution;
  seccomp?: Attribution;
}

/** Distinct subjects kept at most; events of further pods get a subject of their own each. */
const MAX_SUBJECTS = 1_000_000;

/** The subjects of events, interned by namespace, pod and container name. */
export class EventSubjects {
  private readonly byNamespace = new Map<string, Map<string, Map<string, EventSubject>>>();
  private size = 0;

  constructor(private readonly max = MAX_SUBJECTS) {}

  /** Undefined when the event names no pod (no `k8s.ns.name` and `k8s.pod.name`). */
  of(fields: Fields): EventSubject | undefined {
    const namespace = text(fields['k8s.ns.name']);
    const pod = text(fields['k8s.pod.name']);
    if (!namespace || !pod) return undefined;
    const container = text(fields['k8s.container.name']) ?? text(fields['container.name']);
    let pods = this.byNamespace.get(namespace);
    let containers = pods?.get(pod);
    // A container name is never empty (text() says so): '' stands for none.
    let subject = containers?.get(container ?? '');
    if (subject) return subject;
    subject = { namespace, pod, container };
    if (this.size >= this.max) return subject;
    if (!pods) this.byNamespace.set(namespace, (pods = new Map<string, Map<string, EventSubject>>()));
    if (!containers) pods.set(pod, (containers = new Map<string, EventSubject>()));
    containers.set(container ?? '', subject);
    this.size++;
    return subject;
  }
}

/**
 * The profile an event ran under, by its subject. Asked for every recorded event by two providers:
 * the answer depends only on the workload, the container name and the kind, so it is computed once
 * for each and the same object is returned after (nothing is allocated per event).
 */
export function attribute(
  subject: EventSubject | undefined,
  workloads: Workloads | undefined,
  kind: 'apparmor' | 'seccomp',
): Attribution {
  if (!subject || !workloads) return FAILED['no-pod-fields'];
  return (subject[kind] ??= attributeTo(subject, workloads, kind));
}

function attributeTo(subject: EventSubject, workloads: Workloads, kind: 'apparmor' | 'seccomp'): Attribution {
  const workload = workloads.podOwner(subject.namespace, subject.pod);
  if (!workload) return FAILED['unknown-pod'];
  const container = subject.container;
  const memo = (workload.attribution ??= {});
  if (container === undefined) return (memo[kind] ??= decide(workload, undefined, kind));
  const answers = (memo.named ??= { apparmor: new Map(), seccomp: new Map() })[kind];
  let answer = answers.get(container);
  if (!answer) {
    answer = decide(workload, container, kind);
    // Container names come from the events: a few per workload, bounded all the same.
    if (answers.size < 1_000) answers.set(container, answer);
  }
  return answer;
}

/**
 * Events a section judges by the workload of their pod, when the cluster state may still be read
 * beside the event pass (`src/impact/snapshot-thread.ts`): until it is there, each event is held
 * back as its subject and what the section needs of it (a reference each, not the event); once it
 * is, the held events are judged in the order they came, and every later one at once.
 */
export class HeldBack<T> {
  private held: (EventSubject | T | undefined)[] = [];
  private judge: ((subject: EventSubject | undefined, item: T) => void) | undefined;

  add(subject: EventSubject | undefined, item: T): void {
    if (this.judge) this.judge(subject, item);
    else this.held.push(subject, item);
  }

  /** The cluster state is known: `judge` is given the held events, then each one as it comes. */
  release(judge: (subject: EventSubject | undefined, item: T) => void): void {
    const held = this.held;
    this.held = [];
    for (let i = 0; i < held.length; i += 2) judge(held[i] as EventSubject | undefined, held[i + 1] as T);
    this.judge = judge;
  }
}

const WHY: Record<string, string> = {
  'no-pod-fields': 'carry no k8s.ns.name and k8s.pod.name (or no cluster state was given)',
  'unknown-pod': 'name a pod that no workload of the cluster state accounts for',
  'ambiguous-container': 'come from a pod whose containers use different profiles, without a container name',
};

/** The note about events that could not be attributed, by reason. */
export function unattributedNote(counts: ReadonlyMap<string, number>, what: string): string | undefined {
  const parts = [...counts]
    .filter(([why]) => why !== 'no-profile')
    .map(([why, n]) => `${n} ${WHY[why] ?? why}`);
  if (parts.length === 0) return undefined;
  return `${what} not attributed to a profile (counted, not guessed): ${parts.join('; ')}.`;
}

/** One profile's denials for one workload: how many, which, and how many the base did not deny. */
export interface DenialGroup {
  profile: string;
  namespace: string;
  owner: string;
  denied: Tally;
  fresh: number;
}

/**
 * What profiles in block mode would deny, grouped by profile, namespace and owning workload, and
 * the events that could not be attributed to a profile, by reason. Shared by the AppArmor and
 * seccomp providers.
 */
export class DenialGroups {
  private readonly groups = new Map<string, DenialGroup>();
  /** The group of an attribution object (`attribute` returns the same one for a workload). */
  private readonly byAttribution = new Map<object, DenialGroup>();
  readonly unattributed = new Map<string, number>();

  notAttributed(why: string): void {
    this.unattributed.set(why, (this.unattributed.get(why) ?? 0) + 1);
  }

  add(
    who: { profile: string; namespace: string; workload: Workload },
    example: string,
    fresh: boolean,
  ): void {
    let group = this.byAttribution.get(who);
    if (!group) {
      const key = `${who.profile}\u0000${who.namespace}\u0000${who.workload.owner}`;
      group = this.groups.get(key);
      if (!group) {
        group = {
          profile: who.profile,
          namespace: who.namespace,
          owner: who.workload.owner,
          denied: new Tally(),
          fresh: 0,
        };
        this.groups.set(key, group);
      }
      if (this.byAttribution.size < 100_000) this.byAttribution.set(who, group);
    }
    group.denied.add(example);
    if (fresh) group.fresh++;
  }

  values(): IterableIterator<DenialGroup> {
    return this.groups.values();
  }
}
