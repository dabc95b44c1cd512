/** Restricted (1.35+): the unconditional procMount rule, replacing baseline's user-namespace relaxation. */
import { procMountV1_0 } from './proc-mount-baseline.js';
import type { Check } from './types.js';

export const procMountRestricted: Check = {
  id: 'procMount_restricted',
  level: 'restricted',
  versions: [{ minimum: 35, check: procMountV1_0, overrides: ['procMount'] }],
};
