/** The profile loader DaemonSet: the script's ConfigMap and the DaemonSet that runs it on every node. */
import type { Mode } from '../core/kinds.js';
import type { KubeObject } from '../kube/objects.js';
import { contentHash } from './labels.js';
import { LOADER_SCRIPT } from './loader-script.js';
import { configMap, finalize } from './objects.js';
import type { LoaderNeed, RenderSettings } from './types.js';

const LOADER_NAME = 'chs-profile-loader';

export function renderLoader(
  target: string,
  mode: Mode,
  settings: RenderSettings,
  needs: { apparmor?: LoaderNeed; seccomp?: LoaderNeed },
): KubeObject[] {
  const script = finalize(
    configMap(LOADER_NAME, settings.namespace, { 'load.sh': LOADER_SCRIPT }),
    target,
    'profile-loader',
  );
  const selector = { 'app.kubernetes.io/name': LOADER_NAME, 'app.kubernetes.io/instance': target };
  const mounts: Record<string, unknown>[] = [{ name: 'script', mountPath: '/chs/script', readOnly: true }];
  const volumes: Record<string, unknown>[] = [{ name: 'script', configMap: { name: LOADER_NAME } }];
  if (needs.apparmor) {
    mounts.push({ name: 'apparmor', mountPath: '/chs/apparmor', readOnly: true });
    volumes.push({ name: 'apparmor', configMap: { name: needs.apparmor.configMap } });
  }
  if (needs.seccomp) {
    mounts.push({ name: 'seccomp', mountPath: '/chs/seccomp', readOnly: true });
    volumes.push({ name: 'seccomp', configMap: { name: needs.seccomp.configMap } });
  }
  mounts.push({ name: 'host', mountPath: '/host' });
  volumes.push({ name: 'host', hostPath: { path: '/', type: 'Directory' } });
  const hash = contentHash({
    script: LOADER_SCRIPT,
    apparmor: needs.apparmor?.hash ?? null,
    seccomp: needs.seccomp?.hash ?? null,
  });
  const daemonSet: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: LOADER_NAME, namespace: settings.namespace },
    spec: {
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels: selector,
          // A change of any profile rolls the DaemonSet, so every node loads it now, not at the next poll.
          annotations: { 'container-host-security/profiles-hash': hash },
        },
        spec: {
          automountServiceAccountToken: false,
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          tolerations: [{ operator: 'Exists' }],
          containers: [
            {
              name: 'loader',
              image: settings.loaderImage,
              command: ['/bin/sh', '/chs/script/load.sh'],
              env: [
                { name: 'CHS_APPARMOR_MODE', value: mode === 'block' ? 'enforce' : 'complain' },
                {
                  name: 'CHS_SECCOMP_DIR',
                  value: `${settings.kubeletDir.replace(/\/+$/, '')}/seccomp/container-host-security`,
                },
              ],
              securityContext: { privileged: true },
              resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
              volumeMounts: mounts,
            },
          ],
          volumes,
        },
      },
    },
  };
  return [script, finalize(daemonSet, target, 'profile-loader')];
}
