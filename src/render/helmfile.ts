/**
 * The files a target's deploy commits to the cluster management project: GitLab's template keeps
 * one helmfile per application (`applications/<name>/helmfile.yaml`, listed under `helmfiles:` of
 * the root `helmfile.yaml`). Ours installs the rendered manifests as a local chart (its template
 * only reads the manifests file, so that nothing in a policy is taken for a Helm template), the
 * falcosecurity/falco chart with the values that mount our rules ConfigMap, and, after the sync,
 * applies the Pod Security Admission labels of namespaces we do not own by server-side apply with
 * our field manager (Helm cannot take over a namespace someone else created).
 */
import type { KubeObject } from '../kube/objects.js';
import { FIELD_MANAGER } from '../kube/client.js';
import { MANAGED_BY_LABEL } from './labels.js';
import type { RenderedFile } from './types.js';
import { toYaml, toYamlStream } from './yaml.js';

/** GitLab's cluster management project installs its applications into this namespace. */
const CMP_RELEASE_NAMESPACE = 'gitlab-managed-apps';
const FALCO_CHART_REPOSITORY = 'https://falcosecurity.github.io/charts';

export interface HelmfileInput {
  target: string;
  objects: readonly KubeObject[];
  files: readonly RenderedFile[];
  falcoNamespace: string;
  /** The package version, written into Chart.yaml. */
  version: string;
}

/** Path (relative to the application's directory) -> content; sorted, deterministic. */
export function clusterManagementFiles(input: HelmfileInput): Map<string, string> {
  const out = new Map<string, string>();
  const header = `# Rendered by container-host-security for target ${input.target}; do not edit (chs deploy rewrites it).\n`;
  const labelsOnly = input.objects.filter(
    (o) => o.kind === 'Namespace' && o.metadata.labels?.[MANAGED_BY_LABEL] === undefined,
  );
  const owned = input.objects.filter((o) => !labelsOnly.includes(o));
  const falcoValues = input.files.find((f) => f.path === 'falco/values-configmap.yaml');
  for (const file of input.files) {
    if (file.path === 'manifests.yaml') continue;
    out.set(file.path, file.content);
  }
  const releases: Record<string, unknown>[] = [];
  if (falcoValues) {
    releases.push({
      name: 'falco',
      namespace: input.falcoNamespace,
      createNamespace: true,
      chart: 'falcosecurity/falco',
      values: ['falco/values-configmap.yaml'],
    });
  }
  if (owned.length > 0) {
    out.set(
      'chart/Chart.yaml',
      toYaml({
        apiVersion: 'v2',
        name: 'container-host-security',
        description: `The policies of target ${input.target}, rendered by container-host-security`,
        type: 'application',
        version: input.version,
      }),
    );
    out.set('chart/manifests.yaml', toYamlStream(owned));
    out.set(
      'chart/templates/manifests.yaml',
      '{{/* The rendered objects, read as a file: nothing in them is a Helm template. */}}\n{{ .Files.Get "manifests.yaml" }}\n',
    );
    releases.push({
      name: `container-host-security-${input.target}`,
      namespace: CMP_RELEASE_NAMESPACE,
      createNamespace: true,
      chart: './chart',
      ...(falcoValues ? { needs: [`${input.falcoNamespace}/falco`] } : {}),
      ...(labelsOnly.length > 0
        ? {
            hooks: [
              {
                events: ['postsync'],
                showlogs: true,
                command: 'kubectl',
                args: [
                  'apply',
                  '--server-side',
                  `--field-manager=${FIELD_MANAGER}`,
                  '-f',
                  // helmfile runs hooks from the directory of the helmfile that declares them.
                  'namespace-labels.yaml',
                ],
              },
            ],
          }
        : {}),
    });
  }
  if (labelsOnly.length > 0) out.set('namespace-labels.yaml', toYamlStream(labelsOnly));
  const helmfile: Record<string, unknown> = {};
  if (falcoValues) helmfile.repositories = [{ name: 'falcosecurity', url: FALCO_CHART_REPOSITORY }];
  helmfile.releases = releases;
  out.set('helmfile.yaml', header + toYaml(helmfile));
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The root helmfile.yaml with our application's entry: kept as it is when present, uncommented
 * when the template lists it commented out, else added under `helmfiles:` (created if missing).
 */
export function withHelmfileEntry(root: string | undefined, directory: string): string {
  const path = `${directory.replace(/\/+$/, '')}/helmfile.yaml`;
  const entry = `- path: ${path}`;
  if (root === undefined) return `helmfiles:\n  ${entry}\n`;
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const lines = root.split('\n');
  if (lines.some((l) => new RegExp(`^\\s*-\\s*path:\\s*["']?${escaped}["']?\\s*$`).test(l))) return root;
  const commented = lines.findIndex((l) =>
    new RegExp(`^\\s*#\\s*-\\s*path:\\s*["']?${escaped}["']?\\s*$`).test(l),
  );
  if (commented !== -1) {
    lines[commented] = (lines[commented] as string).replace('#', ' ');
    return lines.join('\n');
  }
  const key = lines.findIndex((l) => /^helmfiles:\s*(#.*)?$/.test(l));
  if (key === -1) return `${root.replace(/\n*$/, '\n')}\nhelmfiles:\n  ${entry}\n`;
  // Indent like the entries already listed (commented or not), else two spaces.
  let indent = '  ';
  for (const line of lines.slice(key + 1)) {
    const m = /^(\s*)-\s*path:/.exec(line) ?? /^#(\s*)-\s*path:/.exec(line);
    if (m) {
      indent = line.startsWith('#') ? ` ${m[1] ?? ''}` : (m[1] ?? '  ');
      break;
    }
    if (/^\S/.test(line) && !line.startsWith('#')) break;
  }
  lines.splice(key + 1, 0, `${indent}${entry}`);
  return lines.join('\n');
}
