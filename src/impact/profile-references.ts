/**
 * What the cluster says about a kind's profiles (AppArmor's and seccomp's alike): workloads that
 * name a removed or renamed profile, and profiles no workload references.
 */
import { append } from '../core/arrays.js';
import { targetOf } from './cluster.js';
import type { Workloads } from './cluster.js';
import type { ImpactFinding } from './model.js';
import type { PolicyTree } from './section.js';

/**
 * The repository file a container's Localhost profile is, on a side: AppArmor names profiles by
 * their own name; seccomp by the path the target installs the file at (core/delivery.ts).
 */
export type ProfileResolver = (
  profile: string,
  namespace: string,
  side: 'base' | 'head',
) => string | undefined;

const byName: ProfileResolver = (profile) => profile;

/** The name a pod gives a head profile file in a namespace (the reverse of ProfileResolver). */
export type ProfileNamer = (file: string, namespace: string) => string;

const asIs: ProfileNamer = (file) => file;

/** Pods whose containers name a profile that the base has and the head has not. */
function removedProfileFindings(
  kind: 'apparmor' | 'seccomp',
  removed: ReadonlyMap<string, string | undefined>,
  workloads: Workloads,
  config: PolicyTree['config'],
  resolve: ProfileResolver = byName,
  nameOf: ProfileNamer = asIs,
): ImpactFinding[] {
  const out: ImpactFinding[] = [];
  for (const w of workloads.list) {
    for (const c of w.containers) {
      const profile = c[kind];
      const file = profile === undefined ? undefined : resolve(profile, w.namespace, 'base');
      if (profile === undefined || file === undefined || !removed.has(file)) continue;
      const renamedFile = removed.get(file);
      const renamed = renamedFile === undefined ? undefined : nameOf(renamedFile, w.namespace);
      const target = targetOf(config, w.namespace);
      out.push({
        kind,
        severity: 'block',
        category: 'would fail to start',
        ...(target ? { target } : {}),
        namespace: w.namespace,
        subject: w.owner,
        policy: profile,
        breaks: [`container ${c.container} does not start (localhost/${profile} missing)`],
        fix: renamed
          ? `point container ${c.container} at localhost/${renamed}`
          : `keep the profile ${profile}, or remove it from container ${c.container} first`,
        reason: `container ${c.container} uses the ${kind === 'apparmor' ? 'AppArmor' : 'seccomp'} profile localhost/${profile}, which this change ${renamed ? `renames to ${renamed}` : 'removes'}`,
      });
    }
  }
  return out;
}

/** Head profiles that no workload names. */
function unreferencedFindings(
  kind: 'apparmor' | 'seccomp',
  names: Iterable<string>,
  workloads: Workloads,
  resolve: ProfileResolver = byName,
): ImpactFinding[] {
  const used = new Set(
    workloads.list.flatMap((w) =>
      w.containers.flatMap((c) => {
        const profile = c[kind];
        return profile === undefined ? [] : [resolve(profile, w.namespace, 'head')];
      }),
    ),
  );
  return [...names]
    .filter((n) => !used.has(n))
    .map((n) => ({
      kind,
      severity: 'info' as const,
      category: 'no workload uses it',
      subject: n,
      reason: 'no container of the cluster state names this profile',
    }));
}

/**
 * What the cluster state says about a kind's profiles: workloads that name a removed or renamed
 * profile, and profiles no workload references; without cluster state, a note that says so.
 */
export function profileReferences(
  kind: 'apparmor' | 'seccomp',
  removed: () => ReadonlyMap<string, string | undefined>,
  profiles: Iterable<string>,
  workloads: Workloads | undefined,
  config: PolicyTree['config'],
  impacts: ImpactFinding[],
  notes: string[],
  resolve: ProfileResolver = byName,
  nameOf: ProfileNamer = asIs,
): void {
  if (!workloads) {
    notes.push(
      'No cluster state was given (--snapshot or --kube-context): workloads and profile references were not checked.',
    );
    return;
  }
  append(impacts, removedProfileFindings(kind, removed(), workloads, config, resolve, nameOf));
  append(impacts, unreferencedFindings(kind, profiles, workloads, resolve));
}
