/** Every seccomp rule, sorted by id: the one table the language and the registry read. */
import { allowByDefaultInBlock } from './allow-by-default-in-block.js';
import { conflictingRule } from './conflicting-rule.js';
import type { SeccompCheckContext } from './context.js';
import type { LanguageRule } from '../../../core/rule.js';
import { deniesEssentialSyscall } from './denies-essential-syscall.js';
import { dockerOnlyKey } from './docker-only-key.js';
import { duplicateRule } from './duplicate-rule.js';
import { ignoredErrno } from './ignored-errno.js';
import { invalidArgument } from './invalid-argument.js';
import { invalidJson } from './invalid-json.js';
import { notify } from './notify.js';
import { redundantRule } from './redundant-rule.js';
import { schema } from './schema.js';
import { syscallNotOnArchitecture } from './syscall-not-on-architecture.js';
import { unknownAction } from './unknown-action.js';
import { unknownArchitecture } from './unknown-architecture.js';
import { unknownCapability } from './unknown-capability.js';
import { unknownSyscall } from './unknown-syscall.js';

export const seccompRules: readonly LanguageRule<SeccompCheckContext>[] = [
  allowByDefaultInBlock, // seccomp/allow-by-default-in-block
  conflictingRule, // seccomp/conflicting-rule
  deniesEssentialSyscall, // seccomp/denies-essential-syscall
  dockerOnlyKey, // seccomp/docker-only-key
  duplicateRule, // seccomp/duplicate-rule
  ignoredErrno, // seccomp/ignored-errno
  invalidArgument, // seccomp/invalid-argument
  invalidJson, // seccomp/invalid-json
  notify, // seccomp/notify
  redundantRule, // seccomp/redundant-rule
  schema, // seccomp/schema
  syscallNotOnArchitecture, // seccomp/syscall-not-on-architecture
  unknownAction, // seccomp/unknown-action
  unknownArchitecture, // seccomp/unknown-architecture
  unknownCapability, // seccomp/unknown-capability
  unknownSyscall, // seccomp/unknown-syscall
];
