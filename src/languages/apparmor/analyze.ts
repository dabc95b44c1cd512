/**
 * The apparmor_parser-equivalent pass over one or more files: parse, resolve includes, build
 * the profiles and report everything apparmor_parser would reject.
 */
import { resolve } from 'node:path';
import type { Reach } from '../../core/reach.js';
import { readTextFile } from '../../core/read.js';
import type { ReadResult } from '../../core/read.js';
import type { Finding } from '../../core/rule.js';
import { SourceFile } from '../../core/source.js';
import { Loader } from './load.js';
import type { FileInfo, LoadedFile } from './load.js';
import { buildModel } from './model.js';
import type { PolicyModel } from './model.js';
import { profileSet } from './evaluate.js';
import type { ProfileSet } from './evaluate.js';

export interface AnalyzeOptions {
  roots: readonly string[];
  bases: readonly string[];
  cwd: string;
  report: (finding: Finding) => void;
  readFile?: (absolute: string, display: string) => ReadResult;
  validate?: boolean;
  /** Stats kept for a run (see load.ts). */
  fileInfo?: Map<string, FileInfo>;
  /** What includes may read (see load.ts); default: the roots and the bases. */
  reach?: Reach;
}

export interface Analysis {
  files: LoadedFile[];
  model: PolicyModel;
  /** Texts of the files and of every include, by display path. */
  texts: Map<string, string>;
}

/** Analyzes files that apparmor_parser would load together (one `apparmor_parser` run). */
export function analyze(
  inputs: readonly { file: SourceFile; absolute: string }[],
  options: AnalyzeOptions,
): Analysis {
  const texts = new Map<string, SourceFile>();
  const readFile = (absolute: string, display: string): ReadResult => {
    const read = (options.readFile ?? readTextFile)(absolute, display);
    if (read.ok) texts.set(read.file.path, read.file);
    return read;
  };
  const loader = new Loader({
    roots: options.roots,
    bases: options.bases,
    cwd: options.cwd,
    readFile,
    report: options.report,
    ...(options.fileInfo ? { fileInfo: options.fileInfo } : {}),
    ...(options.reach ? { reach: options.reach } : {}),
  });
  const files = inputs.map(({ file, absolute }) => {
    texts.set(file.path, file);
    return loader.load(file, absolute);
  });
  // apparmor_parser reads each file on its own: variables do not cross files, profile names do.
  const lineOf = (path: string, offset: number): number => texts.get(path)?.position(offset).line ?? 0;
  const models = files.map((f) =>
    buildModel([{ file: f.file.path, statements: f.statements }], {
      report: options.report,
      lineOf,
      ...(options.validate === undefined ? {} : { validate: options.validate }),
    }),
  );
  const model = mergeModels(models);
  const all = new Map(loader.texts);
  for (const [path, file] of texts) all.set(path, file.text);
  return { files, model, texts: all };
}

/** The models of files apparmor_parser read one by one, as the kernel holds them together. */
function mergeModels(models: readonly PolicyModel[]): PolicyModel {
  if (models.length === 1 && models[0]) return models[0];
  return {
    profiles: models.flatMap((m) => m.profiles),
    variables: new Map(models.flatMap((m) => [...m.variables])),
    booleans: new Map(models.flatMap((m) => [...m.booleans])),
    abis: models.flatMap((m) => m.abis),
  };
}

/** Profile sets loaded one file at a time, as one set (what `loadProfileSet` of them all gives). */
export function mergeProfileSets(sets: readonly ProfileSet[]): ProfileSet {
  return profileSet(mergeModels(sets.map((s) => s.model)), new Map(sets.flatMap((s) => [...s.texts])));
}

/** Convenience for tests and tools: analyzes a text as a single file. */
export function analyzeText(
  text: string,
  path: string,
  options: Omit<AnalyzeOptions, 'report'>,
): { findings: Finding[]; analysis: Analysis } {
  const findings: Finding[] = [];
  const analysis = analyze([{ file: new SourceFile(path, text), absolute: path }], {
    ...options,
    report: (f) => findings.push(f),
  });
  return { findings, analysis };
}

/**
 * Loads policy files (with their includes) into a set of profiles ready for `evaluateAccess`,
 * with what apparmor_parser would reject in them.
 */
export function loadProfileSet(
  inputs: readonly { path: string; text: string }[],
  options: Omit<AnalyzeOptions, 'report'>,
): { set: ProfileSet; findings: Finding[] } {
  const { set, findings } = loadProfileSetWithAnalysis(inputs, options);
  return { set, findings };
}

/** `loadProfileSet`, with the analysis it was built from (for the checks that read statements). */
export function loadProfileSetWithAnalysis(
  inputs: readonly { path: string; text: string }[],
  options: Omit<AnalyzeOptions, 'report'>,
): { set: ProfileSet; findings: Finding[]; analysis: Analysis } {
  const findings: Finding[] = [];
  const texts = new Map<string, string>();
  const readFile = (absolute: string, display: string): ReadResult => {
    const read = (options.readFile ?? readTextFile)(absolute, display);
    if (read.ok) texts.set(read.file.path, read.file.text);
    return read;
  };
  const analysis = analyze(
    inputs.map(({ path, text }) => {
      texts.set(path, text);
      return { file: new SourceFile(path, text), absolute: resolve(options.cwd, path) };
    }),
    { ...options, readFile, report: (finding) => findings.push(finding) },
  );
  for (const [path, text] of analysis.texts) if (!texts.has(path)) texts.set(path, text);
  return { set: profileSet(analysis.model, texts), findings, analysis };
}
