/** Legacy PodSecurityPolicy: what carries over, what is reported, and the level it comes closest to. */
import { describe, expect, it } from 'vitest';
import { translatePsp } from '../../src/languages/pod-security/psp.js';

const restricted = {
  apiVersion: 'policy/v1beta1',
  kind: 'PodSecurityPolicy',
  metadata: {
    name: 'restricted',
    annotations: {
      'seccomp.security.alpha.kubernetes.io/allowedProfileNames': 'docker/default,runtime/default',
    },
  },
  spec: {
    privileged: false,
    allowPrivilegeEscalation: false,
    requiredDropCapabilities: ['ALL'],
    volumes: ['configMap', 'emptyDir', 'projected', 'secret', 'downwardAPI', 'persistentVolumeClaim'],
    hostNetwork: false,
    hostIPC: false,
    hostPID: false,
    runAsUser: { rule: 'MustRunAsNonRoot' },
    seLinux: { rule: 'MustRunAs', seLinuxOptions: { type: 'container_t' } },
    supplementalGroups: { rule: 'MustRunAs', ranges: [{ min: 1, max: 65535 }] },
    fsGroup: { rule: 'MustRunAs', ranges: [{ min: 1, max: 65535 }] },
  },
};

describe('translatePsp', () => {
  it('carries the validating fields over as controls', () => {
    const t = translatePsp(restricted);
    expect(t.document).toEqual({
      apiVersion: 'container-host-security/v1',
      kind: 'PodSecurity',
      metadata: { name: 'restricted' },
      spec: {
        controls: {
          privileged: false,
          allowPrivilegeEscalation: false,
          hostNamespaces: false,
          capabilities: { dropAll: true, allowed: [] },
          volumes: {
            allowed: ['configMap', 'emptyDir', 'projected', 'secret', 'downwardAPI', 'persistentVolumeClaim'],
          },
          hostPorts: { allowed: [] },
          runAsNonRoot: true,
          seLinux: { allowedTypes: ['container_t'] },
          seccomp: { allowedProfiles: ['RuntimeDefault'] },
        },
      },
    });
    expect(t.suggestedLevel).toBe('restricted');
    expect(t.notes.map((n) => n.field)).toEqual([
      'supplementalGroups MustRunAs',
      'fsGroup MustRunAs',
      'seLinux MustRunAs',
    ]);
  });

  it('suggests the level that admits all the PSP admitted', () => {
    expect(
      translatePsp({ ...restricted, spec: { ...restricted.spec, runAsUser: { rule: 'RunAsAny' } } })
        .suggestedLevel,
    ).toBe('baseline');
    expect(
      translatePsp({ ...restricted, spec: { ...restricted.spec, hostNetwork: true } }).suggestedLevel,
    ).toBe('privileged');
    expect(
      translatePsp({ ...restricted, spec: { ...restricted.spec, seLinux: { rule: 'RunAsAny' } } })
        .suggestedLevel,
    ).toBe('privileged');
    expect(translatePsp({ ...restricted, spec: { ...restricted.spec, volumes: ['*'] } }).suggestedLevel).toBe(
      'privileged',
    );
    expect(
      translatePsp({ ...restricted, spec: { ...restricted.spec, allowedCapabilities: ['NET_RAW'] } })
        .suggestedLevel,
    ).toBe('privileged');
  });

  it('reports mutating defaults and partial host namespaces', () => {
    const t = translatePsp({
      metadata: {
        name: 'Team.A',
        annotations: { 'apparmor.security.beta.kubernetes.io/defaultProfileName': 'runtime/default' },
      },
      spec: {
        privileged: true,
        hostNetwork: true,
        defaultAddCapabilities: ['CHOWN'],
        allowedCapabilities: ['*'],
        volumes: ['*'],
        runAsUser: { rule: 'MustRunAs', ranges: [{ min: 1, max: 9 }] },
      },
    });
    expect(t.document.metadata.name).toBe('team-a');
    expect(t.document.spec.controls?.privileged).toBeUndefined();
    expect(t.document.spec.controls?.volumes).toBeUndefined();
    expect(t.notes.map((n) => [n.messageId, n.field])).toEqual([
      ['notCarried', 'hostNetwork/hostPID/hostIPC'],
      ['mutating', 'defaultAddCapabilities'],
      ['notCarried', 'runAsUser MustRunAs ranges'],
      ['mutating', 'apparmor.security.beta.kubernetes.io/defaultProfileName'],
    ]);
  });

  it('keeps safe sysctls allowed unless forbidden, and adds the allowed unsafe ones', () => {
    const t = translatePsp({
      metadata: { name: 's' },
      spec: { allowedUnsafeSysctls: ['kernel.msg*'], forbiddenSysctls: ['net.ipv4.tcp_*'] },
    });
    const allowed = t.document.spec.controls?.sysctls?.allowed ?? [];
    expect(allowed).toContain('kernel.shm_rmid_forced');
    expect(allowed).toContain('kernel.msg*');
    expect(allowed.some((s) => s.startsWith('net.ipv4.tcp_'))).toBe(false);
  });
});
