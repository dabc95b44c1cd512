/** `capability` rules: a capability the task uses, by name (`capability,` grants every one). */
import { words } from './conditions.js';
import type { WholeClass } from './types.js';

export const capabilityClass: WholeClass = {
  key: 'capability',
  ruleKinds: ['capability'],
  compile(rule) {
    const names = new Set(words(rule));
    return (access) => 'capability' in access && (names.size === 0 || names.has(access.capability));
  },
  describe: (access) => ('capability' in access ? `capability ${access.capability}` : 'capability'),
};
