/**
 * `chs render`'s engine: for a target, the policy files of each kind through that kind's renderer,
 * plus the namespace and the profile loader they need, labelled and in apply order. Pure given the
 * files: the same repository gives the same bytes.
 */
import { append } from '../core/arrays.js';
import { relativePosix } from '../core/paths.js';
import type { Config, TargetConfig } from '../core/config.js';
import { effectiveMode } from '../core/config.js';
import { didYouMeanSuffix } from '../core/did-you-mean.js';
import { discover, layoutOf } from '../core/discovery.js';
import type { WalkProblem } from '../core/discovery.js';
import { UserError } from '../core/errors.js';
import type { Mode, PolicyKind } from '../core/kinds.js';
import { readTextFile } from '../core/read.js';
import { sortForApply } from '../kube/objects.js';
import type { KubeObject } from '../kube/objects.js';
import type { PolicyLanguage } from '../languages/language.js';
import { languages as allLanguages } from '../languages/list.js';
import { renderLoader } from './loader.js';
import { finalize } from './objects.js';
import type { LoaderNeed, PolicyText, RenderProblem, RenderedFile } from './types.js';
import { toYamlStream } from './yaml.js';

export interface RenderedTarget {
  target: TargetConfig;
  mode: Mode;
  /** In apply order. */
  objects: KubeObject[];
  /** manifests.yaml, then Helm values and the like; paths relative to the target's directory. */
  files: RenderedFile[];
  problems: RenderProblem[];
  notes: string[];
}

/** The targets a command works on: the one named, else every configured target. */
export function selectTargets(config: Config, name: string | undefined): TargetConfig[] {
  if (name === undefined) return config.targets;
  const found = config.targets.find((t) => t.name === name);
  if (!found) {
    const names = config.targets.map((t) => t.name);
    // `default` is what the CI templates deploy to unless told: say which input names the target.
    const hint =
      name === 'default'
        ? ': "default" is the one target of a chs.yaml without targets; name one of these with --target (in CI, the deploy template\'s `target` input)'
        : '';
    throw new UserError(
      `no target "${name}" in ${config.source?.path ?? 'chs.yaml'}${didYouMeanSuffix(name, names)} (targets: ${names.join(', ')})${hint}`,
    );
  }
  return [found];
}

/** The repository's policy files of each kind, read as text. */
export function readPolicyFiles(
  config: Config,
  cwd: string,
  languages: readonly PolicyLanguage[] = allLanguages,
): { files: Map<PolicyKind, PolicyText[]>; problems: RenderProblem[] } {
  const walk: WalkProblem[] = [];
  const discovered = discover(config.root, cwd, layoutOf(config.paths, languages), walk);
  const problems: RenderProblem[] = walk.map((w) => ({ file: w.display, message: w.message }));
  const files = new Map<PolicyKind, PolicyText[]>(languages.map((l) => [l.kind, []]));
  for (const file of discovered) {
    if (file.kind === undefined || file.kind === 'tests') continue;
    const read = readTextFile(file.absolute, file.display);
    if (!read.ok) {
      problems.push({ file: file.display, message: read.failure.message });
      continue;
    }
    const path = relativePosix(config.root, file.absolute);
    files.get(file.kind)?.push({ path, display: file.display, text: read.file.text });
  }
  return { files, problems };
}

export function renderTarget(
  config: Config,
  target: TargetConfig,
  files: Map<PolicyKind, PolicyText[]>,
  languages: readonly PolicyLanguage[] = allLanguages,
): RenderedTarget {
  const mode = effectiveMode(config, undefined, target.name);
  const settings = config.render;
  const out: RenderedTarget = { target, mode, objects: [], files: [], problems: [], notes: [] };
  const loader: { apparmor?: LoaderNeed; seccomp?: LoaderNeed } = {};
  const namespaceLabels = new Map<string, Record<string, string>>();
  for (const { kind, render: renderer } of languages) {
    const kindFiles = files.get(kind) ?? [];
    if (!renderer) {
      if (kindFiles.length > 0) {
        out.notes.push(
          `${kindFiles.length} ${kind} file(s) not rendered: this build has no ${kind} renderer yet`,
        );
      }
      continue;
    }
    const result = renderer.render({ target, mode, files: kindFiles, settings, paths: config.paths });
    append(out.objects, result.objects);
    append(out.files, result.files);
    append(out.problems, result.problems);
    append(out.notes, result.notes);
    for (const ns of result.namespaceLabels) {
      const labels = namespaceLabels.get(ns.metadata.name) ?? {};
      namespaceLabels.set(ns.metadata.name, { ...labels, ...(ns.metadata.labels ?? {}) });
    }
    if (result.loader?.apparmor) loader.apparmor = result.loader.apparmor;
    if (result.loader?.seccomp) loader.seccomp = result.loader.seccomp;
  }
  if (loader.apparmor || loader.seccomp)
    append(out.objects, renderLoader(target.name, mode, settings, loader));
  if (out.objects.some((o) => o.metadata.namespace === settings.namespace)) {
    const labels = namespaceLabels.get(settings.namespace);
    namespaceLabels.delete(settings.namespace);
    out.objects.push(
      finalize(
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: settings.namespace, ...(labels ? { labels } : {}) },
        },
        target.name,
        'namespace',
      ),
    );
  }
  // Only the labels, without our ownership labels: server-side apply makes our field manager the
  // owner of these labels and of nothing else of a namespace that someone else created.
  for (const [name, labels] of namespaceLabels) {
    out.objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
  }
  out.objects = sortForApply(out.objects);
  if (out.objects.length > 0)
    out.files.unshift({ path: 'manifests.yaml', content: toYamlStream(out.objects) });
  return out;
}
