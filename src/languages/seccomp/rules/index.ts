/** Every seccomp rule, sorted by id: the one table the language and the registry read. */
import { allowByDefaultInBlockRule } from './allow-by-default-in-block.js';
import { conflictingRuleRule } from './conflicting-rule.js';
import type { SeccompRule } from './context.js';
import { deniesEssentialSyscallRule } from './denies-essential-syscall.js';
import { dockerOnlyKeyRule } from './docker-only-key.js';
import { duplicateRuleRule } from './duplicate-rule.js';
import { ignoredErrnoRule } from './ignored-errno.js';
import { invalidArgumentRule } from './invalid-argument.js';
import { invalidJsonRule } from './invalid-json.js';
import { notifyRule } from './notify.js';
import { redundantRuleRule } from './redundant-rule.js';
import { schemaRule } from './schema.js';
import { syscallNotOnArchitectureRule } from './syscall-not-on-architecture.js';
import { unknownActionRule } from './unknown-action.js';
import { unknownArchitectureRule } from './unknown-architecture.js';
import { unknownCapabilityRule } from './unknown-capability.js';
import { unknownSyscallRule } from './unknown-syscall.js';

export const seccompRules: readonly SeccompRule[] = [
  allowByDefaultInBlockRule, // seccomp/allow-by-default-in-block
  conflictingRuleRule, // seccomp/conflicting-rule
  deniesEssentialSyscallRule, // seccomp/denies-essential-syscall
  dockerOnlyKeyRule, // seccomp/docker-only-key
  duplicateRuleRule, // seccomp/duplicate-rule
  ignoredErrnoRule, // seccomp/ignored-errno
  invalidArgumentRule, // seccomp/invalid-argument
  invalidJsonRule, // seccomp/invalid-json
  notifyRule, // seccomp/notify
  redundantRuleRule, // seccomp/redundant-rule
  schemaRule, // seccomp/schema
  syscallNotOnArchitectureRule, // seccomp/syscall-not-on-architecture
  unknownActionRule, // seccomp/unknown-action
  unknownArchitectureRule, // seccomp/unknown-architecture
  unknownCapabilityRule, // seccomp/unknown-capability
  unknownSyscallRule, // seccomp/unknown-syscall
];
