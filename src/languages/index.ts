/**
 * The one table of policy languages and, through them, of every rule. Sorted by kind; each
 * language keeps its own rules in src/languages/<kind>/rules/.
 */
import type { Language } from '../core/language.js';
import { RuleRegistry } from '../core/registry.js';
import { coreRules } from '../core/rules.js';
import { falco } from './falco/index.js';

export const languages: readonly Language[] = [falco];

export const registry = new RuleRegistry([...coreRules, ...languages.flatMap((language) => language.rules)]);
