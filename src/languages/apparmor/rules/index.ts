/** Every AppArmor rule, sorted by id. */
import type { LanguageRule } from '../../../core/rule.js';
import { abi4Syntax } from './abi4-syntax.js';
import { classMatchesSlash } from './class-matches-slash.js';
import { complainInBlock } from './complain-in-block.js';
import type { CheckContext } from './context.js';
import { duplicateProfile } from './duplicate-profile.js';
import { invalidFlags } from './invalid-flags.js';
import { invalidGlob } from './invalid-glob.js';
import { invalidOption } from './invalid-option.js';
import { invalidPermissions } from './invalid-permissions.js';
import { invalidQualifier } from './invalid-qualifier.js';
import { missingChildProfile } from './missing-child-profile.js';
import { missingInclude } from './missing-include.js';
import { shadowedDeny } from './shadowed-deny.js';
import { syntaxError } from './syntax-error.js';
import { uncheckedInclude } from './unchecked-include.js';
import { unconfinedExec } from './unconfined-exec.js';
import { undefinedVariable } from './undefined-variable.js';
import { unknownCapability } from './unknown-capability.js';
import { unreferencedProfile } from './unreferenced-profile.js';

export const apparmorRules: readonly LanguageRule<CheckContext>[] = [
  abi4Syntax,
  classMatchesSlash,
  complainInBlock,
  duplicateProfile,
  invalidFlags,
  invalidGlob,
  invalidOption,
  invalidPermissions,
  invalidQualifier,
  missingChildProfile,
  missingInclude,
  shadowedDeny,
  syntaxError,
  uncheckedInclude,
  unconfinedExec,
  undefinedVariable,
  unknownCapability,
  unreferencedProfile,
];

/** Rules whose findings mean apparmor_parser would refuse the file. */
export const parserRuleIds: ReadonlySet<string> = new Set(
  [
    duplicateProfile,
    invalidFlags,
    invalidGlob,
    invalidOption,
    invalidPermissions,
    invalidQualifier,
    missingInclude,
    syntaxError,
    undefinedVariable,
    unknownCapability,
  ].map((rule) => rule.meta.id),
);
