/**
 * `seccomp:` cases: the action a seccomp profile takes for a system call.
 * `{profile: PATH, syscall: NAME, arch?: ARCH, args?: [N...], expect: SCMP_ACT_... | SCMP_ACT_ERRNO(N)}`
 * The profile is a path from the repository root (as a pod's `localhostProfile` names it),
 * parsed once per run; the answer is `evaluateSyscall`'s, for the profile as written.
 */
import { relative, resolve } from 'node:path';
import { seccompProfileAt } from '../../core/delivery.js';
import { relativePosix } from '../../core/paths.js';
import { didYouMeanSuffix } from '../../core/did-you-mean.js';
import { discover } from '../../core/discovery.js';
import { OUTSIDE_REASON, Reach } from '../../core/reach.js';
import { readTextFile } from '../../core/read.js';
import type { SourceFile } from '../../core/source.js';
import type { YamlMap } from '../../core/yaml.js';
import { pairOf } from '../../core/yaml.js';
import { ACTIONS, isAction, sameAction } from '../../languages/seccomp/index.js';
import { evaluateSyscall, loadFindings, readProfile } from '../../languages/seccomp/index.js';
import type { Evaluation, SeccompProfile } from '../../languages/seccomp/index.js';
import {
  DOCKER_ARCHES,
  isKnownSyscall,
  SCMP_ARCHES,
  scmpArch,
  syscallNames,
} from '../../languages/seccomp/index.js';
import { checkKeys, checkString, describeNode, span, stringAt } from '../shape.js';
import type { CaseKind, CaseOutcome, Problem, RunContext } from '../types.js';
import { at, loadErrors } from '../../core/load-errors.js';

const WHERE = 'a seccomp case';
const ARCH_NAMES = [
  ...new Set([...Object.keys(SCMP_ARCHES), ...Object.values(SCMP_ARCHES), ...Object.keys(DOCKER_ARCHES)]),
];
/** `SCMP_ACT_ERRNO`, or with the errno (or the tracer's value) it must return: `SCMP_ACT_ERRNO(38)`. */
const EXPECT = /^(SCMP_ACT_[A-Z_]+)(?:\((\d+)\))?$/;

function validate(body: YamlMap): Problem[] {
  const problems = checkKeys(
    body,
    WHERE,
    ['profile', 'syscall', 'arch', 'args', 'expect'],
    ['profile', 'syscall', 'expect'],
  );
  problems.push(
    ...checkString(body, 'profile', WHERE),
    ...checkString(body, 'syscall', WHERE),
    ...checkString(body, 'arch', WHERE),
  );
  const syscall = stringAt(body, 'syscall');
  const syscallNode = pairOf(body, 'syscall')?.value;
  if (syscallNode && typeof syscall === 'string' && !isKnownSyscall(syscall))
    problems.push({
      message: `"${syscall}" is no system call of any architecture${didYouMeanSuffix(syscall, syscallNames())}`,
      range: span(syscallNode),
    });
  const arch = stringAt(body, 'arch');
  const archNode = pairOf(body, 'arch')?.value;
  if (archNode && typeof arch === 'string' && scmpArch(arch) === undefined)
    problems.push({
      message: `unknown architecture "${arch}"${didYouMeanSuffix(arch, ARCH_NAMES)} (SCMP_ARCH_*, x86_64, amd64, ...)`,
      range: span(archNode),
    });
  const args = pairOf(body, 'args')?.value;
  if (args && args.kind !== 'seq')
    problems.push({
      message: `"args" must be a list of up to 6 unsigned integers, not ${describeNode(args)}`,
      range: span(args),
    });
  if (args?.kind === 'seq') {
    if (args.items.length > 6)
      problems.push({ message: 'a system call has at most 6 arguments', range: span(args) });
    for (const item of args.items) {
      const ok =
        item.kind === 'scalar' &&
        ((typeof item.value === 'number' && /^\d+$/.test(item.text)) ||
          (typeof item.value === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(item.value.trim())));
      if (!ok)
        problems.push({
          message: `an argument is an unsigned integer (decimal, or "0x..." in quotes), not ${describeNode(item)}`,
          range: span(item),
        });
    }
  }
  const expectNode = pairOf(body, 'expect')?.value;
  const expect = stringAt(body, 'expect');
  const match = typeof expect === 'string' ? EXPECT.exec(expect) : null;
  if (expectNode && !match)
    problems.push({
      message: `"expect" of a seccomp case is an action such as SCMP_ACT_ERRNO or SCMP_ACT_ERRNO(1), not ${describeNode(expectNode)}`,
      range: span(expectNode),
    });
  else if (expectNode && match && !isAction(match[1] as string))
    problems.push({
      message: `unknown action "${match[1]}"${didYouMeanSuffix(match[1] as string, ACTIONS)}`,
      range: span(expectNode),
    });
  return problems;
}

type Loaded = { ok: true; profile: SeccompProfile; source: SourceFile } | { ok: false; message: string };

/** The repository's seccomp profiles by path from the root, for "did you mean". */
function repositoryProfiles(context: RunContext): string[] {
  return context.cached('seccomp:paths', () => {
    const { config } = context;
    return discover(config.root, context.cwd, context.layout, [])
      .filter((f) => f.kind === 'seccomp')
      .map((f) => relativePosix(config.root, f.absolute));
  });
}

/**
 * The repository file a case's `profile` names: its path in the repository, or the path pods name
 * it by on one of the targets (`container-host-security/api.json`, `operator/api.json`,
 * with or without `localhost/`), through the one mapping of core/delivery.ts.
 */
function repositoryPathOf(path: string, context: RunContext): string {
  const known = repositoryProfiles(context);
  if (known.includes(path)) return path;
  const written = path.replace(/^localhost\//, '');
  for (const target of context.config.targets) {
    const file = seccompProfileAt(context.config, target, written, known);
    if (file !== undefined) return file;
  }
  return path;
}

function loadProfile(named: string, context: RunContext): Loaded {
  const { config } = context;
  const path = repositoryPathOf(named, context);
  const absolute = resolve(config.root, path);
  return context.cached(`seccomp:${absolute}`, (): Loaded => {
    if (!new Reach([config.root]).contains(absolute))
      return { ok: false, message: `seccomp profile "${path}" is ${OUTSIDE_REASON}` };
    const display = relative(context.cwd, absolute) || absolute;
    const read = readTextFile(absolute, display);
    if (!read.ok) {
      const known = repositoryProfiles(context);
      const message =
        read.failure.reason === 'missing'
          ? `no seccomp profile "${path}" in the repository${didYouMeanSuffix(path, known)}${
              known.length > 0 ? ` (profiles: ${known.join(', ')})` : ''
            }`
          : read.failure.message;
      return { ok: false, message };
    }
    // What chs lint calls an error, the runtime refuses or reads otherwise (an action that does not
    // exist): such a profile is evaluated nowhere, and no action is made up for it.
    const errors = loadErrors(
      loadFindings(read.file, config, context.cwd),
      config,
      new Map([[read.file.path, read.file]]),
      context.cwd,
    );
    // The profile loadFindings parsed: one tree per file.
    const parsed = readProfile(read.file, config.seccomp.runtime);
    if (errors.length > 0 || !parsed.profile)
      return {
        ok: false,
        message: `the seccomp profile does not load (${read.file.path}):\n${errors.length > 0 ? errors.join('\n') : 'not a profile'}`,
      };
    return { ok: true, profile: parsed.profile, source: read.file };
  });
}

function shown(action: string, errno: number | undefined): string {
  return errno === undefined ? action : `${action}(${errno})`;
}

function why(evaluation: Evaluation, profile: SeccompProfile, source: SourceFile, syscall: string): string {
  const rule = evaluation.rule;
  const isDefault =
    profile.defaultAction !== undefined && rule?.range.start === profile.defaultAction.range.start;
  if (!rule) return `no rule names ${syscall}: the default action applies`;
  const where = at(source, rule.range.start);
  return isDefault
    ? `no rule for ${syscall} applies on ${evaluation.arch}: the default action (${where}) decides`
    : `the rule for ${syscall} at ${where} decides on ${evaluation.arch}`;
}

function evaluate(body: YamlMap, context: RunContext): CaseOutcome {
  const path = stringAt(body, 'profile') as string;
  const syscall = stringAt(body, 'syscall') as string;
  const arch = stringAt(body, 'arch');
  const expect = stringAt(body, 'expect') as string;
  const match = EXPECT.exec(expect) as RegExpExecArray;
  const expectedAction = match[1] as string;
  const expectedErrno = match[2] === undefined ? undefined : Number(match[2]);
  const loaded = loadProfile(path, context);
  if (!loaded.ok) return { passed: false, message: loaded.message };
  const argsNode = pairOf(body, 'args')?.value;
  const args =
    argsNode?.kind === 'seq'
      ? argsNode.items.map((item) =>
          item.kind === 'scalar' && typeof item.value === 'string'
            ? item.value
            : item.kind === 'scalar'
              ? item.text
              : '0',
        )
      : [];
  const evaluation = evaluateSyscall(loaded.profile, {
    syscall,
    args,
    ...(typeof arch === 'string' ? { arch } : {}),
  });
  if (evaluation.problem) return { passed: false, message: `cannot evaluate: ${evaluation.problem}` };
  const actionHolds = sameAction(evaluation.action, expectedAction);
  const errnoHolds = expectedErrno === undefined || evaluation.errno === expectedErrno;
  if (actionHolds && errnoHolds) return { passed: true, message: '' };
  return {
    passed: false,
    message: [
      `expected: ${expect}`,
      `actual:   ${shown(evaluation.action, evaluation.errno)}`,
      `why:      ${why(evaluation, loaded.profile, loaded.source, syscall)}`,
    ].join('\n'),
  };
}

export const seccompCase: CaseKind = { key: 'seccomp', validate, evaluate };
