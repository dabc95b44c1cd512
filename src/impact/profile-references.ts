/**
 * What the cluster says about a kind's profiles (AppArmor's and seccomp's alike): workloads that
 * name a removed or renamed profile, and profiles no workload references.
 */
import { append } from '../core/arrays.js';
import { targetOf } from './cluster.js';
import type { Workloads } from './cluster.js';
import type { ImpactFinding } from './model.js';
import type { PolicyTree } from './section.js';

/** Pods whose containers name a profile that the base has and the head has not. */
function removedProfileFindings(
  kind: 'apparmor' | 'seccomp',
  removed: ReadonlyMap<string, string | undefined>,
  workloads: Workloads,
  config: PolicyTree['config'],
): ImpactFinding[] {
  const out: ImpactFinding[] = [];
  for (const w of workloads.list) {
    for (const c of w.containers) {
      const profile = c[kind];
      if (profile === undefined || !removed.has(profile)) continue;
      const renamed = removed.get(profile);
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
): ImpactFinding[] {
  const used = new Set(workloads.list.flatMap((w) => w.containers.map((c) => c[kind])));
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
): void {
  if (!workloads) {
    notes.push(
      'No cluster state was given (--snapshot or --kube-context): workloads and profile references were not checked.',
    );
    return;
  }
  append(impacts, removedProfileFindings(kind, removed(), workloads, config));
  append(impacts, unreferencedFindings(kind, profiles, workloads));
}

