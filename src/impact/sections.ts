/**
 * The impact providers, one per policy kind: each computes its kind's item-level diff and its
 * impact on the cluster and on recorded events. Kinds without an entry are reported as not
 * analysed, never guessed.
 */
import type { PolicyKind } from '../core/kinds.js';
import { appArmorSection } from './apparmor.js';
import { falcoSection } from './falco.js';
import { podSecuritySection } from './pod-security.js';
import { seccompSection } from './seccomp.js';
import type { ImpactSection } from './section.js';

export const impactSections: Partial<Record<PolicyKind, ImpactSection>> = {
  apparmor: appArmorSection,
  falco: falcoSection,
  'pod-security': podSecuritySection,
  seccomp: seccompSection,
};
