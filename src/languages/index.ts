/**
 * The one table of policy languages and, through them, of every rule. In the order of
 * POLICY_KINDS (which is also the order in which content sniffing asks them); each language keeps
 * its own rules in src/languages/<kind>/rules/.
 */
import type { Language } from '../core/language.js';
import { RuleRegistry } from '../core/registry.js';
import { coreRules } from '../core/rules.js';
import { apparmor } from './apparmor/index.js';
import { falco } from './falco/index.js';
import { podSecurity } from './pod-security/index.js';
import { seccomp } from './seccomp/index.js';

export const languages: readonly Language[] = [falco, apparmor, seccomp, podSecurity];

export const registry = new RuleRegistry([...coreRules, ...languages.flatMap((language) => language.rules)]);
