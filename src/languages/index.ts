/**
 * The policy languages (the one list, src/languages/list.ts) and, through them, every rule. Each
 * language keeps its own rules in src/languages/<kind>/rules/.
 */
import { RuleRegistry } from '../core/registry.js';
import { coreRules } from '../core/rules.js';
import { languages } from './list.js';

export { languages } from './list.js';
export type { PolicyLanguage } from './language.js';

export const registry = new RuleRegistry([...coreRules, ...languages.flatMap((language) => language.rules)]);
