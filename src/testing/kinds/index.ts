/**
 * The one table of test case kinds, sorted by key. Adding a kind is one entry here and its
 * handler file; wiring an evaluator is replacing a handler's `notWired(...)`.
 */
import type { CaseKind } from '../types.js';
import { apparmorCase } from './apparmor.js';
import { falcoCase } from './falco.js';
import { podSecurityCase } from './pod-security.js';
import { seccompCase } from './seccomp.js';

export const CASE_KINDS: readonly CaseKind[] = [apparmorCase, falcoCase, podSecurityCase, seccompCase];
