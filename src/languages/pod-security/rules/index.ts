/** Every rule of the pod-security language, sorted by id. */
import type { LanguageRule } from '../../../core/rule.js';
import { blockKubeSystem } from './block-kube-system.js';
import type { PolicyCheckContext } from './context.js';
import { contradictoryControls } from './contradictory-controls.js';
import { duplicatePolicy } from './duplicate-policy.js';
import { invalidPolicy } from './invalid-policy.js';
import { legacyField } from './legacy-field.js';
import { legacyPolicy } from './legacy-policy.js';
import { noMatchingNamespace } from './no-matching-namespace.js';
import { unknownApparmorProfile } from './unknown-apparmor-profile.js';
import { unknownSeccompProfile } from './unknown-seccomp-profile.js';

export const podSecurityRules: readonly LanguageRule<PolicyCheckContext>[] = [
  blockKubeSystem,
  contradictoryControls,
  duplicatePolicy,
  invalidPolicy,
  legacyField,
  legacyPolicy,
  noMatchingNamespace,
  unknownApparmorProfile,
  unknownSeccompProfile,
];
