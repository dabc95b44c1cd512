/** Baseline (1.34+): probes and lifecycle handlers may not name a `host` (they would reach other hosts from the kubelet). */
import { asObj, asString, containersPhrase, field, joinQuote, pluralize, sortedSet } from './pod.js';
import { ALLOWED, forbid } from './types.js';
import type { Check, CheckResult, Obj, PodView } from './types.js';

/** Adds the hosts a probe or handler names; true when it names any. */
function addHosts(handler: unknown, hosts: string[]): boolean {
  const h = asObj(handler);
  if (!h) return false;
  let found = false;
  for (const host of [field(h, 'httpGet', 'host'), field(h, 'tcpSocket', 'host')]) {
    if (host !== undefined && host !== null && host !== '') {
      hosts.push(asString(host));
      found = true;
    }
  }
  return found;
}

function usesHost(container: Obj, hosts: string[]): boolean {
  const lifecycle = asObj(container.lifecycle);
  // Every handler is visited (no short-circuit) so that every host is listed.
  const found = [
    addHosts(container.livenessProbe, hosts),
    addHosts(container.readinessProbe, hosts),
    addHosts(container.startupProbe, hosts),
    addHosts(lifecycle?.postStart, hosts),
    addHosts(lifecycle?.preStop, hosts),
  ];
  return found.includes(true);
}

function v1_34(pod: PodView): CheckResult {
  let bad: Set<string> | undefined;
  const hosts: string[] = [];
  for (const c of pod.containers) {
    if (
      c.raw.livenessProbe === undefined &&
      c.raw.readinessProbe === undefined &&
      c.raw.startupProbe === undefined &&
      c.raw.lifecycle === undefined
    )
      continue;
    if (usesHost(c.raw, hosts)) (bad ??= new Set()).add(c.name);
  }
  if (!bad) return ALLOWED;
  const names = sortedSet(bad);
  const list = sortedSet(hosts);
  return forbid(
    'probe or lifecycle host',
    `${containersPhrase(names)} ${pluralize('uses', 'use', names.length)} ${pluralize('probe or lifecycle host', 'probe or lifecycle hosts', list.length)} ${joinQuote(list)}`,
  );
}

export const hostProbesAndHostLifecycle: Check = {
  id: 'hostProbesAndHostLifecycle',
  level: 'baseline',
  versions: [{ minimum: 34, check: v1_34 }],
};
