/** The policy languages, in the order their files are linted and reported. */
export const POLICY_KINDS = ['falco', 'apparmor', 'seccomp', 'pod-security'] as const;

export type PolicyKind = (typeof POLICY_KINDS)[number];

export function isPolicyKind(value: string): value is PolicyKind {
  return (POLICY_KINDS as readonly string[]).includes(value);
}

/** A policy's mode: `monitor` alerts and audits (the default), `block` enforces. */
export type Mode = 'monitor' | 'block';
