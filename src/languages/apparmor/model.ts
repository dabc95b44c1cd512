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
  MAX_EXPANDED_CHARS,
  referencedVariables,
} from './aare.js';
import { conflicting, execClaim } from './merge.js';
import type { ExecClaim } from './merge.js';
import { invalidPermissions } from './rules/invalid-permissions.js';
import { duplicateProfile } from './rules/duplicate-profile.js';
import { syntaxError } from './rules/syntax-error.js';
import { undefinedVariable } from './rules/undefined-variable.js';
import { validateFlags } from './flags.js';
import { reporterFor, validateRule } from './validate.js';
import type { Reporter } from './validate.js';

export type { PolicyModel, ProfileModel } from './policy-model.js';
import type { PlacedRule, PolicyModel, ProfileModel } from './policy-model.js';

/** apparmor_parser defines @{profile_name} in every profile, and no other variable. */
const BUILTIN_VARIABLES = new Set(['profile_name']);

/** A variable name as apparmor_parser reads one: a letter, then letters, digits and `_`. */
const VARIABLE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

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
    const signature = variablesSignature(model.variables, model.booleans);
    for (const { word, file } of walker.uses) checkVariableUsesOnce(word, file, walker, signature);
    for (const plan of walker.plans) checkPlanUses(plan, walker, signature);
  }
  return model;
}

function collectPreamble(
  statements: Statement[],
  file: string,
  walker: Walker,
  top = { profile: false, seen: new Set<string>() },
): void {
  const report = reporterFor(file, walker.report);
  for (const statement of statements) {
    if (statement.kind === 'include') {
      for (const included of statement.files) {
        if (top.seen.has(included.path)) continue;
        top.seen.add(included.path);
        collectPreamble(included.statements, included.path, walker, top);
      }
      // A shipped tunables file that is not available here: its variables, as the package has them.
      for (const [name, values] of Object.entries(statement.unchecked?.variables ?? {})) {
        if (!walker.model.variables.has(name)) walker.model.variables.set(name, [...values]);
      }
      continue;
    }
    if (statement.kind === 'profile') top.profile = true;
    if (statement.kind !== 'variable' && statement.kind !== 'boolean' && statement.kind !== 'alias') {
      if (statement.kind === 'abi') walker.model.abis.push({ node: statement, file });
      continue;
    }
    // The grammar reads variables and aliases in the preamble only, before the first profile.
    if (top.profile && walker.validate) {
      const what = statement.kind === 'alias' ? 'an alias' : 'a variable assignment';
      report(syntaxError, 'notHere', statement, {
        what,
        where: 'after the first profile: move it above the profiles',
      });
    }
    if (statement.kind === 'variable') {
      if (walker.model.booleans.has(statement.name) && walker.validate && !statement.append)
        report(undefinedVariable, 'redefined', statement.nameRange, { name: `$${statement.name}` });
      assign(statement, walker, report);
      walker.definitions.set(statement.name, { file, statement });
    } else if (statement.kind === 'boolean') {
      // Booleans and sets share one symbol table.
      const taken = walker.model.booleans.has(statement.name) || walker.model.variables.has(statement.name);
      if (taken && walker.validate)
        report(undefinedVariable, 'redefined', statement.nameRange, { name: `$${statement.name}` });
      walker.model.booleans.set(statement.name, statement.value);
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

/**
 * apparmor_parser reads a file once per block: an include of a file the file level (or, below,
 * the profile) already read is skipped, which also ends include loops (parser_lex.l keeps an
 * include cache per profile).
 */
function walkPreamble(statements: Statement[], file: string, walker: Walker, seen = new Set<string>()): void {
  for (const statement of statements) {
    if (statement.kind === 'include') {
      for (const included of statement.files) {
        if (seen.has(included.path)) continue;
        seen.add(included.path);
        walkPreamble(included.statements, included.path, walker, seen);
      }
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
    validateFlags(node, walker.model.variables, report);
    for (const flag of node.flags)
      if (flag.name === 'attach_disconnected.path' && flag.value)
        walker.uses.push({ word: flag.value, file });
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
  const seen = new Map<string, { claim: ExecClaim; file: string; start: number }[]>();
  for (const { rule, file } of profile.rules) {
    const claim = execClaim(rule, walker.model.variables);
    if (!claim) continue;
    const group = seen.get(claim.key) ?? [];
    const previous = group.find((other) => conflicting(other.claim, claim));
    if (previous) {
      reporterFor(file, walker.report)(invalidPermissions, 'conflictRules', claim.range, {
        mode: claim.mode,
        other: previous.claim.mode,
        line: walker.lineOf(previous.file, previous.start),
      });
      continue;
    }
    group.push({ claim, file, start: rule.start });
    seen.set(claim.key, group);
  }
}

function walkBody(
  statements: Statement[],
  file: string,
  profile: ProfileModel,
  walker: Walker,
  seen = new Set<string>(),
): void {
  const report = reporterFor(file, walker.report);
  for (const statement of statements) {
    switch (statement.kind) {
      case 'include':
        for (const included of statement.files) {
          if (seen.has(included.path)) continue;
          seen.add(included.path);
          const plan = planFor(included.statements, included.path);
          if (plan && !plan.files.some((path) => seen.has(path))) {
            for (const path of plan.files) seen.add(path);
            applyPlan(plan, profile, walker);
          } else walkBody(included.statements, included.path, profile, walker, seen);
        }
        break;
      case 'profile':
        addProfile(statement, file, profile, walker);
        break;
      case 'if': {
        const decided = decide(statement.variable, walker, report);
        const holds = statement.negations % 2 === 0 ? decided : !decided;
        if (holds) walkBody(statement.then, file, profile, walker, seen);
        else if (statement.otherwise) walkBody(statement.otherwise, file, profile, walker, seen);
        // The lexer reads the includes of the branch not taken too.
        markIncluded(holds ? (statement.otherwise ?? []) : statement.then, seen);
        break;
      }
      case 'block':
        walkBody(statement.body, file, profile, walker, seen);
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

function markIncluded(statements: readonly Statement[], seen: Set<string>): void {
  for (const statement of statements) {
    if (statement.kind === 'include')
      for (const included of statement.files) {
        if (seen.has(included.path)) continue;
        seen.add(included.path);
        markIncluded(included.statements, seen);
      }
    else if (statement.kind === 'if') {
      markIncluded(statement.then, seen);
      markIncluded(statement.otherwise ?? [], seen);
    } else if (statement.kind === 'block') markIncluded(statement.body, seen);
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
  /** The files it includes, at any depth (each once: a file included twice needs the walk). */
  files: string[];
  /** The findings of its uses for the variables last checked with. */
  checked?: { signature: string; findings: Finding[] };
}

/** Plans by included statements; null: the file needs the walk (conditionals, profiles). */
const plans = new WeakMap<Statement[], Plan | null>();

function planFor(statements: Statement[], file: string): Plan | undefined {
  const known = plans.get(statements);
  if (known !== undefined) return known ?? undefined;
  const plan: Plan = { rules: [], findings: [], uses: [], files: [] };
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
          const files = [included.path, ...inner.files];
          if (files.some((path) => plan.files.includes(path) || path === file)) return false;
          plan.files.push(...files);
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
const checked = new WeakMap<Rule, readonly Finding[]>();

const NO_FINDINGS: readonly Finding[] = [];

function validateOnce(rule: Rule, file: string, report: (finding: Finding) => void): void {
  let findings = checked.get(rule);
  if (!findings) {
    // Most rules have no finding: they share one empty list (100,000 rules in one profile).
    let captured: Finding[] | undefined;
    validateRule(
      rule,
      reporterFor(file, (finding) => (captured ??= []).push(finding)),
    );
    findings = captured ?? NO_FINDINGS;
    checked.set(rule, findings);
  }
  for (const finding of findings) report(finding);
}

/**
 * An `if` test as cond_expr.cc decides it: `defined @{X}` is whether the set exists (its
 * expansion must succeed), `$X` and, in AppArmor 4.1, `defined $X` are the boolean's value and
 * fail when no boolean $X is defined.
 */
function decide(variable: Word, walker: Walker, report: Reporter): boolean {
  const name = variable.text.slice(1);
  const { variables, booleans } = walker.model;
  if (variable.text.startsWith('@')) {
    if (!variables.has(name) || booleans.has(name)) return false;
    if (walker.validate) checkVariableUses({ ...variable, text: `@{${name}}` }, report, walker);
    return true;
  }
  const value = booleans.get(name);
  if (value === undefined && walker.validate) {
    if (variables.has(name))
      report(undefinedVariable, 'notBoolean', variable, { name: variable.text, set: `@{${name}}` });
    else
      report(undefinedVariable, 'undefined', variable, {
        name: variable.text,
        hint: didYouMeanSuffix(name, [...booleans.keys()]),
      });
  }
  return value ?? false;
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
function variablesSignature(
  variables: ReadonlyMap<string, readonly string[]>,
  booleans: ReadonlyMap<string, boolean>,
): string {
  let text = [...booleans.keys()].join(',') + ';';
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

function checkVariableUses(word: Word, file: string | Reporter, walker: Walker): void {
  if (!word.text.includes('@{')) return;
  const report = typeof file === 'string' ? reporterFor(file, walker.report) : file;
  const { variables, booleans } = walker.model;
  // The variables the word needs, and theirs in turn (an unused definition is never expanded).
  const pending = [word.text];
  const visited = new Set<string>();
  while (pending.length > 0) {
    const text = pending.pop() as string;
    for (const match of text.matchAll(/(\\*)@\{([^}]*)\}/g)) {
      if ((match[1] as string).length % 2 === 1) continue;
      const name = match[2] as string;
      if (name === '') {
        report(undefinedVariable, 'emptyName', word);
        return;
      }
      // Not a variable name: apparmor_parser leaves the text as it is.
      if (!VARIABLE_NAME.test(name) || BUILTIN_VARIABLES.has(name) || visited.has(name)) continue;
      visited.add(name);
      const values = variables.get(name);
      if (values && !booleans.has(name)) {
        pending.push(...values);
        continue;
      }
      if (booleans.has(name)) {
        report(undefinedVariable, 'notSet', word, { name: `@{${name}}`, bool: `$${name}` });
        return;
      }
      const via = text === word.text ? '' : ` (it is used in the value of another variable)`;
      report(undefinedVariable, 'undefined', word, {
        name: `@{${name}}`,
        hint: via || didYouMeanSuffix(name, [...variables.keys()]),
      });
      return;
    }
  }
  const expanded = expandOrCycle(word.text, variables);
  if ('cycle' in expanded) {
    if (!expanded.members.some((name) => walker.cycles.has(name))) {
      report(undefinedVariable, 'recursive', word, { name: `@{${expanded.cycle}}` });
    }
    for (const name of expanded.members) walker.cycles.add(name);
    return;
  }
  checkExpandedPattern(word, expanded.text, report);
}
