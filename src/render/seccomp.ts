/**
 * seccomp profiles: onto the nodes by the profile loader (into the kubelet's seccomp directory,
 * for `localhostProfile: container-host-security/<key>`), or as Security Profiles Operator
 * `SeccompProfile` objects in each of the target's namespaces. In monitor mode every blocking
 * action (errno, kill, trap) becomes SCMP_ACT_LOG: the calls are logged, not refused.
 */
import { SourceFile } from '../core/source.js';
import { append } from '../core/arrays.js';
import type { KubeObject } from '../kube/objects.js';
import { configMapKey, contentHash, dnsName } from './labels.js';
import { MAX_CONFIGMAP_BYTES, configMap, dataBytes, finalize } from './objects.js';
import { commonDirectory, relativeTo } from './paths.js';
import { emptyContribution } from './types.js';
import type { PolicyText, RenderContribution, RenderInput, Renderer } from './types.js';

const SECCOMP_CONFIGMAP = 'chs-seccomp-profiles';
const SPO_API_VERSION = 'security-profiles-operator.x-k8s.io/v1beta1';

const BLOCKING = new Set([
  'SCMP_ACT_ERRNO',
  'SCMP_ACT_KILL',
  'SCMP_ACT_KILL_PROCESS',
  'SCMP_ACT_KILL_THREAD',
  'SCMP_ACT_TRAP',
]);

type Profile = Record<string, unknown> & { syscalls?: Record<string, unknown>[] };

function parseProfile(file: PolicyText, out: RenderContribution): Profile | undefined {
  let value: unknown;
  try {
    value = JSON.parse(file.text);
  } catch (error) {
    // V8 says where: "... at position N" (or nothing at the end of the input).
    const message = error instanceof Error ? error.message : String(error);
    const at = /at position (\d+)/.exec(message);
    const offset = at ? Number(at[1]) : file.text.length;
    const { line } = new SourceFile(file.display, file.text).position(offset);
    out.problems.push({
      file: file.display,
      line,
      message: `not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}; run chs lint`,
    });
    return undefined;
  }
  if (
    value === null ||
    typeof value !== 'object' ||
    Array.isArray(value) ||
    typeof (value as Profile).defaultAction !== 'string'
  ) {
    out.problems.push({
      file: file.display,
      line: 1,
      message: 'not a seccomp profile (an object with defaultAction); run chs lint',
    });
    return undefined;
  }
  return value as Profile;
}

/** The profile as it runs in monitor mode: blocking actions logged instead. */
export function toMonitor(profile: Profile): Profile {
  const out: Profile = structuredClone(profile);
  if (BLOCKING.has(String(out.defaultAction))) {
    out.defaultAction = 'SCMP_ACT_LOG';
    delete out.defaultErrnoRet;
  }
  if (Array.isArray(out.syscalls)) {
    for (const rule of out.syscalls) {
      if (rule && BLOCKING.has(String(rule.action))) {
        rule.action = 'SCMP_ACT_LOG';
        delete rule.errnoRet;
      }
    }
  }
  return out;
}

/** The SeccompProfile spec of a Docker/OCI profile (Docker-only keys dropped, with a note). */
function operatorSpec(profile: Profile, display: string, notes: string[]): Record<string, unknown> {
  const spec: Record<string, unknown> = { defaultAction: profile.defaultAction };
  const archMap = Array.isArray(profile.archMap) ? (profile.archMap as Record<string, unknown>[]) : [];
  const architectures = Array.isArray(profile.architectures)
    ? (profile.architectures as string[])
    : archMap.flatMap((a) => [
        String(a.architecture),
        ...(Array.isArray(a.subArchitectures) ? (a.subArchitectures as string[]) : []),
      ]);
  if (architectures.length > 0) spec.architectures = architectures;
  let conditional = 0;
  const syscalls = (profile.syscalls ?? []).map((rule) => {
    const names = Array.isArray(rule.names) ? rule.names : rule.name !== undefined ? [rule.name] : [];
    if (rule.includes !== undefined || rule.excludes !== undefined) conditional++;
    return {
      names,
      action: rule.action,
      ...(rule.errnoRet !== undefined ? { errnoRet: rule.errnoRet } : {}),
      ...(Array.isArray(rule.args) && rule.args.length > 0 ? { args: rule.args } : {}),
    };
  });
  if (syscalls.length > 0) spec.syscalls = syscalls;
  if (Array.isArray(profile.flags)) spec.flags = profile.flags;
  if (conditional > 0) {
    notes.push(
      `${display}: ${conditional} syscall rule(s) have Docker's includes/excludes conditions, which SeccompProfile objects cannot express; they apply unconditionally`,
    );
  }
  return spec;
}

export const seccompRenderer: Renderer = {
  kind: 'seccomp',
  render(input: RenderInput): RenderContribution {
    const out = emptyContribution();
    if (input.files.length === 0) return out;
    const base = commonDirectory(input.files.map((f) => f.path));
    const seen = new Map<string, string>();
    const data: Record<string, string> = {};
    const objects: KubeObject[] = [];
    const operator = input.settings.seccompDelivery === 'operator';
    const namespaces =
      input.target.namespaces && input.target.namespaces.length > 0
        ? input.target.namespaces
        : [input.settings.namespace];
    for (const file of input.files) {
      const profile = parseProfile(file, out);
      if (!profile) continue;
      const rel = relativeTo(base, file.path);
      const name = operator ? dnsName(rel.replace(/\.json$/i, '')) : configMapKey(rel);
      const clash = seen.get(name);
      if (clash !== undefined) {
        out.problems.push({
          file: file.display,
          message: `renders to the same name "${name}" as ${clash}; rename one of them`,
        });
        continue;
      }
      seen.set(name, file.display);
      const effective = input.mode === 'monitor' ? toMonitor(profile) : profile;
      if (operator) {
        const spec = operatorSpec(effective, file.display, out.notes);
        for (const namespace of namespaces) {
          objects.push(
            finalize(
              { apiVersion: SPO_API_VERSION, kind: 'SeccompProfile', metadata: { name, namespace }, spec },
              input.target.name,
              'seccomp-profile',
            ),
          );
        }
      } else {
        const unchanged = effective === profile;
        data[name] = unchanged
          ? file.text.endsWith('\n')
            ? file.text
            : `${file.text}\n`
          : `${JSON.stringify(effective, null, 2)}\n`;
      }
    }
    if (operator) {
      append(out.objects, objects);
      return out;
    }
    if (Object.keys(data).length === 0) return out;
    if (dataBytes(data) > MAX_CONFIGMAP_BYTES) {
      out.problems.push({
        file: input.files[0]?.display ?? 'seccomp',
        message: `the seccomp profiles total ${dataBytes(data)} bytes, over what one ConfigMap holds (1 MiB)`,
      });
      return out;
    }
    out.objects.push(
      finalize(
        configMap(SECCOMP_CONFIGMAP, input.settings.namespace, data),
        input.target.name,
        'seccomp-profiles',
      ),
    );
    out.loader = { seccomp: { configMap: SECCOMP_CONFIGMAP, hash: contentHash(data) } };
    return out;
  },
};
