/** Every Falco rule, in one sorted table. */
import type { AnyRule } from '../../../core/rule.js';
import { appendNoValues } from './append-no-values.js';
import { conditionSyntax } from './condition-syntax.js';
import { conditionWarning } from './condition-warning.js';
import { deprecatedField } from './deprecated-field.js';
import { deprecatedItem } from './deprecated-item.js';
import { engineVersion } from './engine-version.js';
import { exceptionNameNotUnique } from './exception-name-not-unique.js';
import { globSlash } from './glob-slash.js';
import { invalidCondition } from './invalid-condition.js';
import { invalidDefinition } from './invalid-definition.js';
import { invalidItem } from './invalid-item.js';
import { invalidListName } from './invalid-list-name.js';
import { invalidMacroName } from './invalid-macro-name.js';
import { invalidOutput } from './invalid-output.js';
import { invalidRegex } from './invalid-regex.js';
import { neverMatches } from './never-matches.js';
import { noEvttype } from './no-evttype.js';
import { shadowedRule } from './shadowed-rule.js';
import { unconstrainedEvttype } from './unconstrained-evttype.js';
import { undefinedListName } from './undefined-list-name.js';
import { undefinedMacro } from './undefined-macro.js';
import { unknownField } from './unknown-field.js';
import { unknownFilter } from './unknown-filter.js';
import { unknownItem } from './unknown-item.js';
import { unknownKey } from './unknown-key.js';
import { unknownOutputField } from './unknown-output-field.js';
import { unknownSource } from './unknown-source.js';
import { unsafeNaCheck } from './unsafe-na-check.js';
import { unusedList } from './unused-list.js';
import { unusedMacro } from './unused-macro.js';
import { yamlSyntax } from './yaml-syntax.js';

export const falcoRules: readonly AnyRule[] = [
  appendNoValues,
  conditionSyntax,
  conditionWarning,
  deprecatedField,
  deprecatedItem,
  engineVersion,
  exceptionNameNotUnique,
  globSlash,
  invalidCondition,
  invalidDefinition,
  invalidItem,
  invalidListName,
  invalidMacroName,
  invalidOutput,
  invalidRegex,
  neverMatches,
  noEvttype,
  shadowedRule,
  unconstrainedEvttype,
  undefinedListName,
  undefinedMacro,
  unknownField,
  unknownFilter,
  unknownItem,
  unknownKey,
  unknownOutputField,
  unknownSource,
  unsafeNaCheck,
  unusedList,
  unusedMacro,
  yamlSyntax,
];

export const falcoRulesById: ReadonlyMap<string, AnyRule> = new Map(
  falcoRules.map((rule) => [rule.meta.id, rule]),
);
