/**
 * The one table of test case kinds, sorted by key. Adding a kind is one entry here and its
 * handler file (shape checks and evaluation; what it loads from the repository goes through
 * `RunContext.cached`, once per run).
 */
import type { CaseKind } from '../types.js';
import { apparmorCase } from './apparmor.js';
import { falcoCase } from './falco.js';
import { podSecurityCase } from './pod-security.js';
import { seccompCase } from './seccomp.js';

export const CASE_KINDS: readonly CaseKind[] = [apparmorCase, falcoCase, podSecurityCase, seccompCase];
