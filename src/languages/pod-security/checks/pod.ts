/** Safe accessors over untrusted objects, and PSA's message helpers. */
import type { ContainerView, Obj, PodView } from './types.js';
import { textOf } from '../../../core/text.js';

export function asObj(value: unknown): Obj | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : undefined;
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string {
  return typeof value === 'string' ? value : textOf(value);
}

/** A field of a nested object, or undefined when any step is missing (no rest array: this runs per pod). */
export function field(object: Obj | undefined, a: string, b?: string, c?: string, d?: string): unknown {
  let current: unknown = object === undefined ? undefined : object[a];
  if (b === undefined) return current;
  current = asObj(current)?.[b];
  if (c === undefined) return current;
  current = asObj(current)?.[c];
  if (d === undefined) return current;
  return asObj(current)?.[d];
}

const NONE: readonly string[] = Object.freeze([]);

/** The names of the containers that match, in visiting order (a shared empty list when none do). */
export function namesWhere(pod: PodView, bad: (c: ContainerView) => boolean): readonly string[] {
  let names: string[] | undefined;
  for (const c of pod.containers) if (bad(c)) (names ??= []).push(c.name);
  return names ?? NONE;
}

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;
const NO_ANNOTATIONS: Readonly<Record<string, string>> = Object.freeze({});

/** Builds the view the checks share from a pod's metadata and spec. */
export function podView(metadata: unknown, spec: unknown): PodView {
  const meta = asObj(metadata) ?? {};
  const podSpec = asObj(spec) ?? {};
  const rawAnnotations = asObj(meta.annotations);
  let annotations: Readonly<Record<string, string>> = NO_ANNOTATIONS;
  if (rawAnnotations) {
    const copy: Record<string, string> = {};
    for (const [k, v] of Object.entries(rawAnnotations)) copy[k] = asString(v);
    annotations = copy;
  }
  const containers: ContainerView[] = [];
  for (const list of CONTAINER_LISTS) {
    for (const item of asArray(podSpec[list])) {
      const raw = asObj(item);
      if (!raw) continue;
      containers.push({ name: asString(raw.name), raw, securityContext: asObj(raw.securityContext) });
    }
  }
  return {
    metadata: meta,
    annotations,
    spec: podSpec,
    securityContext: asObj(podSpec.securityContext),
    containers,
  };
}

/** PSA's `joinQuote`: `"a", "b"`. */
export function joinQuote(items: readonly string[]): string {
  return items.length === 0 ? '' : `"${items.join('", "')}"`;
}

export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** A sorted, de-duplicated list (Go's `sets.List`). */
export function sortedSet(items: Iterable<string>): string[] {
  return [...new Set(items)].sort(compareStrings);
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Go's `%q` for the plain strings policies hold. */
export function goQuote(value: string): string {
  return JSON.stringify(value);
}

/** `containers "a", "b"`. */
export function containersPhrase(names: readonly string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}

/** KEP-127: a pod in a user namespace (`hostUsers: false`) gets some checks relaxed from 1.35. */
export function inUserNamespace(pod: PodView): boolean {
  return pod.spec.hostUsers === false;
}

/** From 1.25 the Linux-only restricted checks admit pods that declare `os.name: windows`. */
export function isWindowsPod(pod: PodView): boolean {
  return field(pod.spec, 'os', 'name') === 'windows';
}
