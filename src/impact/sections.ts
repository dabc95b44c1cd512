/**
 * The impact providers, one per policy kind. Each language adds its entry here when its
 * item-level diff and impact exist (src/languages/<kind>/impact.ts); until then the preview
 * shows the file diff and lint delta of that kind and says that its impact was not analysed.
 */
import type { PolicyKind } from '../core/kinds.js';
import type { ImpactSection } from './section.js';

export const impactSections: Partial<Record<PolicyKind, ImpactSection>> = {};
