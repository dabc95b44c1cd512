/**
 * From parsed files to profiles: includes spliced in, conditionals decided, variables collected,
 * hats and child profiles attached to their parents. Also the checks apparmor_parser makes at
 * this stage (variables defined, names unique) and, per rule, validate.ts.
 */
import { didYouMeanSuffix } from '../../core/did-you-mean.js';
import { append } from '../../core/arrays.js';
import type { Finding } from '../../core/rule.js';
import type { Profile, Rule, Statement, VariableAssignment, Word } from './ast.js';
import {
  checkExpandedPattern,
  checkPattern,
  expandedSizes,
  expandOrCycle,
  expandVariables,
  MAX_EXPANDED_CHARS,
  referencedVariables,
} from './aare.js';
import { invalidPermissions } from './rules/invalid-permissions.js';
import { duplicateProfile } from './rules/duplicate-profile.js';
import { undefinedVariable } from './rules/undefined-variable.js';
import { reporterFor, validateFlags, validateRule } from './validate.js';
import type { Reporter } from './validate.js';

export type { PolicyModel, ProfileModel } from './policy-model.js';
import type { PlacedRule, PolicyModel, ProfileModel } from './policy-model.js';

const BUILTIN_VARIABLES = new Set(['profile_name', 'exec_path', 'attach_path']);

interface Walker {
  model: PolicyModel;
  report: (finding: Finding) => void;
  /** Names of top-level profiles seen in this build (for duplicates), with their place. */
  topNames: Map<string, { file: string; start: number }>;
  lineOf: (file: string, offset: number) => number;
  /** Variable uses to check once every definition is known. */
  uses: { word: Word; file: string }[];
  /** Plans of included files applied (their uses are checked, and remembered, per plan). */
  plans: Plan[];
  /** Variables already reported as recursive. */
  cycles: Set<string>;
  /** Where each variable was last defined, for findings about its value. */
  definitions: Map<string, { file: string; statement: VariableAssignment }>;
  validate: boolean;
}

export interface BuildOptions {
  report: (finding: Finding) => void;
  lineOf: (file: string, offset: number) => number;
  /** Run apparmor_parser's per-rule checks (off when only facts are wanted). */
  validate?: boolean;
}

/** Builds the model of one or more files (each with its includes resolved). */
export function buildModel(
  files: readonly { file: string; statements: Statement[] }[],
  options: BuildOptions,
): PolicyModel {
  const model: PolicyModel = { profiles: [], variables: new Map(), booleans: new Map(), abis: [] };
  const walker: Walker = {
    model,
    report: options.report,
    topNames: new Map(),
    lineOf: options.lineOf,
    uses: [],
    plans: [],
    cycles: new Set(),
    definitions: new Map(),
    validate: options.validate ?? true,
  };
  // Variables first (apparmor_parser expands them after reading everything).
  for (const { file, statements } of files) collectPreamble(statements, file, walker);
  boundExpansion(walker);
  for (const { file, statements } of files) walkPreamble(statements, file, walker);
  if (walker.validate) {
    const signature = variablesSignature(model.variables);
    for (const { word, file } of walker.uses) checkVariableUsesOnce(word, file, walker, signature);
    for (const plan of walker.plans) checkPlanUses(plan, walker, signature);
  }
  return model;
}

function collectPreamble(statements: Statement[], file: string, walker: Walker): void {
  const report = reporterFor(file, walker.report);
  for (const statement of statements) {
    if (statement.kind === 'include') {
      for (const included of statement.files) collectPreamble(included.statements, included.path, walker);
      // A shipped tunables file that is not available here: its variables, as the package has them.
      for (const [name, values] of Object.entries(statement.unchecked?.variables ?? {})) {
        if (!walker.model.variables.has(name)) walker.model.variables.set(name, [...values]);
      }
    } else if (statement.kind === 'variable') {
      assign(statement, walker, report);
      walker.definitions.set(statement.name, { file, statement });
      for (const value of statement.values) walker.uses.push({ word: value, file });
    } else if (statement.kind === 'boolean') {
      if (walker.model.booleans.has(statement.name) && walker.validate) {
        reporterFor(file, walker.report)(undefinedVariable, 'redefined', statement.nameRange, {
          name: `$${statement.name}`,
        });
      }
      walker.model.booleans.set(statement.name, statement.value);
    } else if (statement.kind === 'abi') {
      walker.model.abis.push({ node: statement, file });
    }
  }
}

function assign(statement: VariableAssignment, walker: Walker, report: Reporter): void {
  const variables = walker.model.variables;
  const existing = variables.get(statement.name);
  const values = statement.values.map((v) => v.text);
  if (statement.append) {
    if (!existing) {
      if (walker.validate)
        report(undefinedVariable, 'append', statement.nameRange, { name: `@{${statement.name}}` });
      variables.set(statement.name, values);
    } else append(existing, values);
  } else {
    if (existing && walker.validate)
      report(undefinedVariable, 'redefined', statement.nameRange, { name: `@{${statement.name}}` });
    variables.set(statement.name, values);
  }
}

/**
 * Variables that would expand past MAX_EXPANDED_CHARS are reported at their definition (the first
 * of a chain only) and then left unexpanded, so that no check pays for the expansion.
 */
function boundExpansion(walker: Walker): void {
  const variables = walker.model.variables;
  const sizes = expandedSizes(variables);
  const over = (name: string): boolean => (sizes.get(name) ?? 0) > MAX_EXPANDED_CHARS;
  const oversized = [...variables.keys()].filter(over);
  for (const name of oversized) {
    const values = variables.get(name) ?? [];
    const first = !values.some((value) => referencedVariables(value).some(over));
    const definition = walker.definitions.get(name);
    if (first && definition && walker.validate)
      reporterFor(definition.file, walker.report)(
        undefinedVariable,
        'tooLarge',
        definition.statement.nameRange,
        {
          name: `@{${name}}`,
          size: (sizes.get(name) ?? 0).toLocaleString('en-US'),
          limit: MAX_EXPANDED_CHARS.toLocaleString('en-US'),
        },
      );
  }
  for (const name of oversized) variables.set(name, []);
}

function walkPreamble(statements: Statement[], file: string, walker: Walker): void {
  for (const statement of statements) {
    if (statement.kind === 'include') {
      for (const included of statement.files) walkPreamble(included.statements, included.path, walker);
    } else if (statement.kind === 'profile') {
      addProfile(statement, file, undefined, walker);
    }
  }
}

function addProfile(node: Profile, file: string, parent: ProfileModel | undefined, walker: Walker): void {
  const report = reporterFor(file, walker.report);
  const localName = node.name?.text ?? '';
  const name = parent ? `${parent.name}//${localName}` : localName;
  const profile: ProfileModel = {
    name,
    localName,
    node,
    file,
    rules: [],
    children: [],
    flags: new Set(node.flags.map((f) => f.name)),
    variables: walker.model.variables,
  };
  if (parent) profile.parent = parent;
  if (walker.validate) {
    validateFlags(node, report);
    if (node.name) walker.uses.push({ word: node.name, file });
    if (node.attachment) {
      walker.uses.push({ word: node.attachment, file });
      checkPattern(node.attachment, report, true);
    }
    for (const condition of node.xattrs) for (const value of condition.values) checkPattern(value, report);
    const siblings = parent ? parent.children : walker.model.profiles.filter((p) => !p.parent);
    const twin = siblings.find((p) => p.localName === localName && localName !== '');
    if (twin && node.name) {
      report(duplicateProfile, 'duplicate', node.name, {
        name: localName,
        where: `line ${walker.lineOf(twin.file, twin.node.start)}`,
      });
    }
  }
  walker.model.profiles.push(profile);
  if (parent) parent.children.push(profile);
  walkBody(node.body, file, profile, walker);
  if (walker.validate) checkExecConflicts(profile, walker);
}

/** Two allow rules for the same path with different exec transitions (apparmor_parser refuses). */
function checkExecConflicts(profile: ProfileModel, walker: Walker): void {
  const seen = new Map<string, { mode: string; file: string; start: number }>();
  for (const { rule, file } of profile.rules) {
    let key: string;
    let mode: string;
    let range: Word;
    if (
      rule.kind === 'file' &&
      rule.path &&
      rule.permissions.exec &&
      rule.permissions.exec !== 'x' &&
      !rule.qualifiers.deny
    ) {
      key = `file\0${rule.qualifiers.owner ? 'owner' : ''}\0${expandVariables(rule.path.text, walker.model.variables)}`;
      mode = rule.permissions.exec;
      range = rule.permissionsWord ?? rule.path;
    } else if (rule.kind === 'change_profile' && !rule.qualifiers.deny && rule.words.length > 0) {
      const first = rule.words[0] as Word;
      const safety = first.text === 'safe' || first.text === 'unsafe' ? first.text : 'safe';
      const exec = rule.words.find((w) => w.text !== 'safe' && w.text !== 'unsafe');
      if (!exec) continue;
      key = `change_profile\0${expandVariables(exec.text, walker.model.variables)}`;
      mode = safety;
      range = first;
    } else continue;
    const previous = seen.get(key);
    if (previous && previous.mode !== mode) {
      reporterFor(file, walker.report)(invalidPermissions, 'conflictRules', range, {
        mode,
        other: previous.mode,
        line: walker.lineOf(previous.file, previous.start),
      });
    } else if (!previous) seen.set(key, { mode, file, start: rule.start });
  }
}

function walkBody(statements: Statement[], file: string, profile: ProfileModel, walker: Walker): void {
  const report = reporterFor(file, walker.report);
  for (const statement of statements) {
    switch (statement.kind) {
      case 'include':
        for (const included of statement.files) {
          const plan = planFor(included.statements, included.path);
          if (plan) applyPlan(plan, profile, walker);
          else walkBody(included.statements, included.path, profile, walker);
        }
        break;
      case 'profile':
        addProfile(statement, file, profile, walker);
        break;
      case 'if': {
        const decided = decide(statement.test, statement.variable, walker, report);
        const holds = statement.negations % 2 === 0 ? decided : !decided;
        if (holds) walkBody(statement.then, file, profile, walker);
        else if (statement.otherwise) walkBody(statement.otherwise, file, profile, walker);
        break;
      }
      case 'block':
        walkBody(statement.body, file, profile, walker);
        break;
      case 'variable':
      case 'boolean':
      case 'alias':
      case 'abi':
        break;
      default:
        profile.rules.push({ rule: statement, file });
        if (walker.validate) {
          validateOnce(statement, file, walker.report);
          for (const word of ruleWords(statement)) walker.uses.push({ word, file });
        }
    }
  }
}

/**
 * What walking an included file adds to a profile, when that does not depend on the profile (no
 * conditionals, no child profiles inside): its rules, their findings and their variable uses.
 * Included abstractions are shared by every profile that includes them (load.ts), so each is
 * walked once, not once per profile.
 */
interface Plan {
  rules: PlacedRule[];
  findings: Finding[];
  uses: { word: Word; file: string }[];
  /** The findings of its uses for the variables last checked with. */
  checked?: { signature: string; findings: Finding[] };
}

/** Plans by included statements; null: the file needs the walk (conditionals, profiles). */
const plans = new WeakMap<Statement[], Plan | null>();

function planFor(statements: Statement[], file: string): Plan | undefined {
  const known = plans.get(statements);
  if (known !== undefined) return known ?? undefined;
  const plan: Plan = { rules: [], findings: [], uses: [] };
  const ok = addToPlan(statements, file, plan);
  plans.set(statements, ok ? plan : null);
  return ok ? plan : undefined;
}

function addToPlan(statements: Statement[], file: string, plan: Plan): boolean {
  for (const statement of statements) {
    switch (statement.kind) {
      case 'include':
        for (const included of statement.files) {
          const inner = planFor(included.statements, included.path);
          if (!inner) return false;
          for (const rule of inner.rules) plan.rules.push(rule);
          for (const finding of inner.findings) plan.findings.push(finding);
          for (const use of inner.uses) plan.uses.push(use);
        }
        break;
      case 'profile':
      case 'if':
        return false;
      case 'block':
        if (!addToPlan(statement.body, file, plan)) return false;
        break;
      case 'variable':
      case 'boolean':
      case 'alias':
      case 'abi':
        break;
      default:
        plan.rules.push({ rule: statement, file });
        validateOnce(statement, file, (finding) => plan.findings.push(finding));
        for (const word of ruleWords(statement)) plan.uses.push({ word, file });
    }
  }
  return true;
}

function applyPlan(plan: Plan, profile: ProfileModel, walker: Walker): void {
  for (const rule of plan.rules) profile.rules.push(rule);
  if (!walker.validate) return;
  for (const finding of plan.findings) walker.report(finding);
  walker.plans.push(plan);
}

/** The variable uses of an included file, checked once per set of variable definitions. */
function checkPlanUses(plan: Plan, walker: Walker, signature: string): void {
  if (plan.checked?.signature !== signature) {
    const findings: Finding[] = [];
    const report = walker.report;
    walker.report = (finding) => findings.push(finding);
    try {
      for (const { word, file } of plan.uses) checkVariableUsesOnce(word, file, walker, signature);
    } finally {
      walker.report = report;
    }
    plan.checked = { signature, findings };
  }
  for (const finding of plan.checked.findings) walker.report(finding);
}

/**
 * A rule's own checks depend on the rule alone, and included abstractions are shared between
 * profiles (load.ts keeps them for the process), so each rule is checked once and its findings
 * replayed.
 */
const checked = new WeakMap<Rule, Finding[]>();

function validateOnce(rule: Rule, file: string, report: (finding: Finding) => void): void {
  let findings = checked.get(rule);
  if (!findings) {
    const captured: Finding[] = [];
    validateRule(
      rule,
      reporterFor(file, (finding) => captured.push(finding)),
    );
    findings = captured;
    checked.set(rule, findings);
  }
  for (const finding of findings) report(finding);
}

function decide(test: 'boolean' | 'defined', variable: Word, walker: Walker, report: Reporter): boolean {
  const name = variable.text.slice(1);
  if (variable.text.startsWith('@')) return walker.model.variables.has(name);
  const value = walker.model.booleans.get(name);
  if (test === 'defined') return value !== undefined;
  if (value === undefined) {
    if (walker.validate) {
      report(undefinedVariable, 'undefined', variable, {
        name: variable.text,
        hint: didYouMeanSuffix(name, [...walker.model.booleans.keys()]),
      });
    }
    return false;
  }
  return value;
}

/** Every word of a rule that may hold a variable. */
function ruleWords(rule: Rule): Word[] {
  if (rule.kind === 'file') return [rule.path, rule.target].filter((w): w is Word => w !== undefined);
  if (rule.kind === 'link') return [rule.path, rule.target];
  const words = [...rule.words, ...rule.permissions];
  if (rule.target) words.push(rule.target);
  for (const condition of rule.conditions) {
    append(words, condition.values);
    for (const nested of condition.nested ?? []) append(words, nested.values);
  }
  return words;
}

/** Signatures by the variables' text: equal definitions share one short signature. */
const signatures = new Map<string, string>();
/** Never reused, even once the map is emptied (a cached result must not meet another set's signature). */
let nextSignature = 0;

/** A short fingerprint of the variables' values (uses in shared includes are checked once per fingerprint). */
function variablesSignature(variables: ReadonlyMap<string, readonly string[]>): string {
  let text = '';
  for (const [name, values] of variables) text += `${name}=${values.join(' ')};`;
  let signature = signatures.get(text);
  if (signature === undefined) {
    if (signatures.size > 4096) signatures.clear();
    signature = String(nextSignature++);
    signatures.set(text, signature);
  }
  return signature;
}

const usesChecked = new WeakMap<Word, { signature: string; findings: Finding[] }>();

function checkVariableUsesOnce(word: Word, file: string, walker: Walker, signature: string): void {
  if (!word.text.includes('@{')) return;
  const known = usesChecked.get(word);
  if (known && known.signature === signature) {
    for (const finding of known.findings) walker.report(finding);
    return;
  }
  const findings: Finding[] = [];
  const report = walker.report;
  walker.report = (finding) => {
    findings.push(finding);
    report(finding);
  };
  try {
    checkVariableUses(word, file, walker);
  } finally {
    walker.report = report;
  }
  usesChecked.set(word, { signature, findings });
}

function checkVariableUses(word: Word, file: string, walker: Walker): void {
  if (!word.text.includes('@{')) return;
  const report = reporterFor(file, walker.report);
  for (const match of word.text.matchAll(/@\{([^}]*)\}/g)) {
    const name = match[1] as string;
    if (BUILTIN_VARIABLES.has(name) || walker.model.variables.has(name)) continue;
    report(undefinedVariable, 'undefined', word, {
      name: `@{${name}}`,
      hint: didYouMeanSuffix(name, [...walker.model.variables.keys()]),
    });
    return;
  }
  const expanded = expandOrCycle(word.text, walker.model.variables);
  if ('cycle' in expanded) {
    if (!expanded.members.some((name) => walker.cycles.has(name))) {
      report(undefinedVariable, 'recursive', word, { name: `@{${expanded.cycle}}` });
    }
    for (const name of expanded.members) walker.cycles.add(name);
    return;
  }
  checkExpandedPattern(word, expanded.text, report);
}
