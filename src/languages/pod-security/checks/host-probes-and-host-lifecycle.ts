/** Baseline (1.34+): probes and lifecycle handlers may not name a `host` (they would reach other hosts from the kubelet). */
import { asString, containersPhrase, field, joinQuote, pluralize, sortedSet } from './pod.js';
import { ALLOWED, forbid } from './types.js';
import type { Check, CheckResult, Obj, PodView } from './types.js';

const HANDLERS: readonly (readonly string[])[] = [
  ['livenessProbe'],
  ['readinessProbe'],
  ['startupProbe'],
  ['lifecycle', 'postStart'],
  ['lifecycle', 'preStop'],
];

function hostsOf(container: Obj, path: readonly string[]): string[] {
  const hosts: string[] = [];
  for (const kind of ['httpGet', 'tcpSocket']) {
    const host = field(container, ...path, kind, 'host');
    if (host !== undefined && host !== null && host !== '') hosts.push(asString(host));
  }
  return hosts;
}

function v1_34(pod: PodView): CheckResult {
  const bad = new Set<string>();
  const hosts: string[] = [];
  for (const c of pod.containers) {
    for (const path of HANDLERS) {
      const found = hostsOf(c.raw, path);
      if (found.length > 0) {
        bad.add(c.name);
        hosts.push(...found);
      }
    }
  }
  if (bad.size === 0) return ALLOWED;
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
