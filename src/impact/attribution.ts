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
 * The profile an event ran under. Called for every recorded event by two providers: the answer
 * depends only on the workload, the container name and the kind, so it is computed once for each
 * and the same object is returned after (nothing is allocated per event).
 */
export function attribute(
  fields: Fields,
  workloads: Workloads | undefined,
  kind: 'apparmor' | 'seccomp',
): Attribution {
  const namespace = text(fields['k8s.ns.name']);
  const pod = text(fields['k8s.pod.name']);
  if (!namespace || !pod || !workloads) return FAILED['no-pod-fields'];
  const workload = workloads.podOwner(namespace, pod);
  if (!workload) return FAILED['unknown-pod'];
  const container = text(fields['k8s.container.name']) ?? text(fields['container.name']);
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
