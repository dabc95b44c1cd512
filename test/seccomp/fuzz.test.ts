/**
 * Fuzz: mutated profiles (text and structure) never crash the reader, the rules, the evaluation
 * or monitor mode, and every finding points inside the file. The default run mutates 1,000
 * profiles; CHS_SECCOMP_FUZZ=100000 runs the full campaign (CHS_SECCOMP_FUZZ_SEED picks the seed).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateSyscall, parseSeccompProfile, toMonitorMode } from '../../src/languages/seccomp/index.js';
import { SourceFile } from '../../src/core/source.js';
import { corpus, hasCorpus, lintText } from './_helpers.js';
import { random } from '../helpers/random.js';

const ITERATIONS = Number(process.env.CHS_SECCOMP_FUZZ ?? 1000);
const SEED = Number(process.env.CHS_SECCOMP_FUZZ_SEED ?? 0x5ecc0);

const seeds: object[] = [
  {
    defaultAction: 'SCMP_ACT_ERRNO',
    architectures: ['SCMP_ARCH_X86_64'],
    syscalls: [{ names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' }],
  },
  {
    defaultAction: 'SCMP_ACT_ALLOW',
    'x-chs': { mode: 'block', runtime: 'docker' },
    syscalls: [
      { names: ['ptrace'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 },
      { names: ['socket'], action: 'SCMP_ACT_KILL', args: [{ index: 0, value: 40, op: 'SCMP_CMP_GE' }] },
      {
        names: ['clone'],
        action: 'SCMP_ACT_ALLOW',
        args: [{ index: 0, value: 2114060288, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }],
        excludes: { caps: ['CAP_SYS_ADMIN'], arches: ['s390x'] },
      },
      {
        name: 'mount',
        action: 'SCMP_ACT_NOTIFY',
        includes: { minKernel: '5.8', caps: ['CAP_SYS_ADMIN'] },
        comment: 'x',
      },
    ],
  },
  {
    defaultAction: 'SCMP_ACT_LOG',
    defaultErrnoRet: 38,
    flags: ['SECCOMP_FILTER_FLAG_LOG'],
    listenerPath: '/run/agent.sock',
    archMap: [{ architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] }],
    syscalls: [
      {
        names: ['kill', 'tgkill'],
        action: 'SCMP_ACT_TRAP',
        args: [
          { index: 1, value: 9, op: 'SCMP_CMP_EQ' },
          { index: 1, value: 15, op: 'SCMP_CMP_EQ' },
        ],
      },
      {
        names: ['personality'],
        action: 'SCMP_ACT_ALLOW',
        args: [{ index: 0, value: 4294967295, op: 'SCMP_CMP_EQ' }],
      },
    ],
  },
];

const NAMES = [
  'read',
  'execve',
  'ptrace',
  'chown32',
  'ptrase',
  'cacheflush',
  '',
  'x'.repeat(300),
  'constructor',
  '__proto__',
];
const TOKENS = [
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '"',
  '\\',
  '\\u',
  '0',
  '-1',
  '1e999',
  '18446744073709551616',
  'null',
  'true',
  ' ',
  '\n',
  '\u0000',
  '\ud800',
  '𝄞',
  '#',
  "'",
  '/*',
  '&a',
  '*a',
  '---',
  '!!str',
];

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)] as T;
}

function randomValue(rnd: () => number, depth = 0): unknown {
  switch (Math.floor(rnd() * 9)) {
    case 0:
      return null;
    case 1:
      return rnd() < 0.5;
    case 2:
      return Math.floor(rnd() * 2 ** 40) - 2 ** 20;
    case 3:
      return rnd() * 10;
    case 4:
      return pick(rnd, NAMES);
    case 5:
      return pick(rnd, [
        'SCMP_ACT_ALLOW',
        'SCMP_ACT_ERRNO',
        'SCMP_ACT_KILL',
        'SCMP_ACT_NOTIFY',
        'SCMP_CMP_EQ',
        'SCMP_ARCH_X86_64',
        'amd64',
        'CAP_SYS_ADMIN',
      ]);
    case 6:
      return depth > 3
        ? []
        : Array.from({ length: Math.floor(rnd() * 4) }, () => randomValue(rnd, depth + 1));
    case 7:
      return depth > 3
        ? {}
        : Object.fromEntries(
            Array.from({ length: Math.floor(rnd() * 4) }, () => [
              pick(rnd, [
                'names',
                'action',
                'args',
                'index',
                'value',
                'op',
                'includes',
                'caps',
                'defaultAction',
                'x',
              ]),
              randomValue(rnd, depth + 1),
            ]),
          );
    default:
      return '9'.repeat(Math.floor(rnd() * 30) + 1);
  }
}

/** Replaces a random node of a JSON value with a random value. */
function mutateStructure(value: unknown, rnd: () => number): unknown {
  if (rnd() < 0.25 || value === null || typeof value !== 'object') return randomValue(rnd);
  if (Array.isArray(value)) {
    const copy = [...value];
    if (copy.length === 0 || rnd() < 0.2) copy.push(randomValue(rnd));
    else {
      const i = Math.floor(rnd() * copy.length);
      const remove = rnd() < 0.15;
      if (remove) copy.splice(i, 1);
      else {
        const repeat = rnd() < 0.15;
        if (repeat) copy.push(copy[i]);
        else copy[i] = mutateStructure(copy[i], rnd);
      }
    }
    return copy;
  }
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  if (keys.length === 0 || rnd() < 0.15)
    copy[
      pick(rnd, ['syscalls', 'names', 'args', 'archMap', 'includes', 'valueTwo', 'errnoRet', 'x-chs', 'mode'])
    ] = randomValue(rnd);
  else {
    const key = pick(rnd, keys);
    if (rnd() < 0.15) delete copy[key];
    else copy[key] = mutateStructure(copy[key], rnd);
  }
  return copy;
}

function mutateText(text: string, rnd: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(rnd() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rnd() * (out.length + 1));
    switch (Math.floor(rnd() * 5)) {
      case 0:
        out = out.slice(0, at) + out.slice(at + 1 + Math.floor(rnd() * 8));
        break;
      case 1:
        out = out.slice(0, at) + pick(rnd, TOKENS) + out.slice(at);
        break;
      case 2: {
        const from = Math.floor(rnd() * out.length);
        out = out.slice(0, at) + out.slice(from, from + Math.floor(rnd() * 40)) + out.slice(at);
        break;
      }
      case 3:
        out = out.slice(0, at) + '['.repeat(Math.floor(rnd() * 400)) + out.slice(at);
        break;
      default:
        out = out.slice(0, at) + String.fromCharCode(Math.floor(rnd() * 0x3000)) + out.slice(at + 1);
    }
  }
  return out;
}

function exercise(text: string): void {
  for (const runtime of ['kubernetes', 'docker'] as const) {
    const found = lintText(text, { runtime, mode: 'block' });
    for (const f of found) {
      expect(f.line).toBeGreaterThanOrEqual(1);
      expect(f.column).toBeGreaterThanOrEqual(1);
      expect(f.message).not.toMatch(/\{\{/);
    }
  }
  const parsed = parseSeccompProfile(new SourceFile('fuzz.json', text));
  if (parsed.profile) {
    for (const syscall of ['read', 'ptrace', 'socket', 'clone', 'x']) {
      const result = evaluateSyscall(parsed.profile, {
        syscall,
        args: [40, 9],
        runtime: 'docker',
        kernel: '5.10',
      });
      expect(typeof result.action).toBe('string');
    }
    toMonitorMode(parsed.profile.value);
  }
}

describe('seccomp fuzz', () => {
  it(
    `survives ${ITERATIONS.toLocaleString('en-US')} mutated profiles (seed ${SEED})`,
    { timeout: 3_600_000 },
    () => {
      const rnd = random(SEED);
      const texts = seeds.map((s) => JSON.stringify(s, null, 2));
      if (hasCorpus) texts.push(readFileSync(join(corpus, 'seccomp', 'docker-default-seccomp.json'), 'utf8'));
      const started = Date.now();
      for (let i = 0; i < ITERATIONS; i++) {
        // The large Docker profile is slower to lint: mutate it one time in two hundred.
        const base =
          rnd() < 0.005 && texts.length > seeds.length
            ? (texts[seeds.length] as string)
            : (texts[Math.floor(rnd() * seeds.length)] as string);
        let text: string;
        if (rnd() < 0.5) text = mutateText(base, rnd);
        else {
          let value: unknown = JSON.parse(base);
          const rounds = 1 + Math.floor(rnd() * 3);
          for (let r = 0; r < rounds; r++) value = mutateStructure(value, rnd);
          text = JSON.stringify(value, null, rnd() < 0.5 ? 2 : 0) ?? 'null';
        }
        try {
          exercise(text);
        } catch (error) {
          throw new Error(
            `mutation ${i} (seed ${SEED}) failed: ${String(error)}\n--- input ---\n${text.slice(0, 2000)}`,
            { cause: error },
          );
        }
      }
      console.info(
        `seccomp fuzz: ${ITERATIONS} mutated profiles in ${((Date.now() - started) / 1000).toFixed(1)} s, no crash`,
      );
    },
  );
});
