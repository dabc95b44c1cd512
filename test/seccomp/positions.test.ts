/**
 * Where findings point, start and end, on profiles that reach every kind of position the model
 * keeps: names, actions, architectures, errno values, argument comparisons, keys (unknown,
 * duplicate, escaped), the schema's paths, the root. Each profile is also linted with CRLF line
 * ends, with multi-byte UTF-8 before the findings and minified onto one line. The expected lines
 * and columns were recorded with the YAML-node model that kept an object per value, before the
 * compact JSON tree replaced it: the positions did not move.
 */
import { describe, expect, it } from 'vitest';
import { lintRanges } from './_helpers.js';
import type { FoundRange } from './_helpers.js';
import type { Runtime } from '../../src/languages/seccomp/index.js';

/** [rule id, line, column, end line, end column]. */
type At = [string, number, number, number, number];

const at = (found: FoundRange[]): At[] =>
  found.map((f) => [f.ruleId, f.line, f.column, f.endLine, f.endColumn]);

const RULES = `{
  "defaultAction": "SCMP_ACT_ERRNO",
  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_VAX"],
  "syscalls": [
    { "names": ["read", "write", "ptrase", 7, "close"], "action": "SCMP_ACT_ALLOW" },
    { "names": ["getpid"], "action": "SCMP_ACT_ALOW" },
    { "names": ["getppid"], "action": "SCMP_ACT_ALLOW", "errnoRet": 1 },
    { "names": ["kill"], "action": "SCMP_ACT_ERRNO", "args": [
      { "index": 7, "value": 1, "op": "SCMP_CMP_EQ" },
      { "index": 0, "value": -1, "op": "SCMP_CMP_EQ" },
      { "index": 1, "value": 1.5, "op": "SCMP_CMP_LT" },
      { "index": 2, "value": 3, "op": "SCMP_CMP_EQUAL" }
    ] },
    { "names": ["dup", "dup"], "action": "SCMP_ACT_KILL" },
    { "names": ["dup"], "action": "SCMP_ACT_TRAP" },
    { "names": ["exit"], "action": "SCMP_ACT_ALLOW", "nmes": ["x"] },
    { "names": ["exit_group"], "action": "SCMP_ACT_ALLOW", "action": "SCMP_ACT_LOG" },
    { "na\\u006des": ["brk"], "action": "SCMP_ACT_ALLOW" }
  ]
}
`;

const DOCKER = `{
  "defaultAction": "SCMP_ACT_ALLOW",
  "archMap": [{ "architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_PDP11"] }],
  "syscalls": [
    { "name": "ptrace", "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
      "includes": { "arches": ["amd64", "vax"], "caps": ["CAP_SYS_PTRAC"] } },
    { "names": ["clone"], "action": "SCMP_ACT_ERRNO", "excludes": { "caps": ["CAP_SYS_ADMIN"], "minKernel": "4.8" } },
    { "names": ["mmap"], "action": "SCMP_ACT_ERRNO" },
    { "names": ["execve"], "action": "SCMP_ACT_NOTIFY" }
  ]
}
`;

const SHAPES = `{
  "defaultAction": "SCMP_ACT_ALLOW",
  "defaultErrnoRet": 1,
  "syscalls": [
    { "action": "SCMP_ACT_ERRNO" },
    { "names": [], "action": "SCMP_ACT_ERRNO" },
    "not an entry",
    { "names": "read", "action": "SCMP_ACT_ERRNO" },
    { "names": ["open"], "action": "SCMP_ACT_ERRNO", "args": [{ "index": 0, "value": 18446744073709551616, "op": "SCMP_CMP_EQ" }] }
  ],
  "x-chs": { "mode": "block" }
}
`;

const NOT_A_PROFILE = `\n  [ { "defaultAction": "SCMP_ACT_ALLOW" } ]\n`;
const BAD_JSON = `{\n  "defaultAction": "SCMP_ACT_ALLOW",\n  "syscalls": [ { "names": ["read"], } ]\n}\n`;

/** Multi-byte UTF-8 before and among the findings: an accented key, an emoji in a name. */
const utf8 = (text: string): string =>
  text
    .replace('{\n', '{\n  "x-chs": { "runtime": "kubernetes", "note": "éè — 😀 ñ" },\n')
    .replace('"ptrase"', '"ptrase😀"');
const crlf = (text: string): string => text.replace(/\n/g, '\r\n');
/** One line: the positions are columns only. */
const minified = (text: string): string => text.replace(/\n\s*/g, ' ');

interface Case {
  name: string;
  text: string;
  runtime?: Runtime;
  expected: At[];
}

const CASES: Case[] = [
  {
    name: 'RULES',
    text: RULES,
    expected: [
      ['seccomp/denies-essential-syscall', 2, 20, 2, 36],
      ['seccomp/unknown-architecture', 3, 41, 3, 56],
      ['seccomp/unknown-syscall', 5, 34, 5, 42],
      ['seccomp/schema', 5, 44, 5, 45],
      ['seccomp/unknown-action', 6, 38, 6, 53],
      ['seccomp/ignored-errno', 7, 69, 7, 70],
      ['seccomp/redundant-rule', 8, 36, 8, 52],
      ['seccomp/invalid-argument', 9, 18, 9, 19],
      ['seccomp/invalid-argument', 10, 30, 10, 32],
      ['seccomp/schema', 10, 30, 10, 32],
      ['seccomp/invalid-argument', 11, 30, 11, 33],
      ['seccomp/schema', 11, 30, 11, 33],
      ['seccomp/invalid-argument', 12, 39, 12, 55],
      ['seccomp/duplicate-rule', 14, 24, 14, 29],
      ['seccomp/conflicting-rule', 15, 17, 15, 22],
      ['seccomp/schema', 16, 54, 16, 60],
      ['seccomp/schema', 17, 60, 17, 68],
    ],
  },
  {
    name: 'RULES, crlf',
    text: crlf(RULES),
    expected: [
      ['seccomp/denies-essential-syscall', 2, 20, 2, 36],
      ['seccomp/unknown-architecture', 3, 41, 3, 56],
      ['seccomp/unknown-syscall', 5, 34, 5, 42],
      ['seccomp/schema', 5, 44, 5, 45],
      ['seccomp/unknown-action', 6, 38, 6, 53],
      ['seccomp/ignored-errno', 7, 69, 7, 70],
      ['seccomp/redundant-rule', 8, 36, 8, 52],
      ['seccomp/invalid-argument', 9, 18, 9, 19],
      ['seccomp/invalid-argument', 10, 30, 10, 32],
      ['seccomp/schema', 10, 30, 10, 32],
      ['seccomp/invalid-argument', 11, 30, 11, 33],
      ['seccomp/schema', 11, 30, 11, 33],
      ['seccomp/invalid-argument', 12, 39, 12, 55],
      ['seccomp/duplicate-rule', 14, 24, 14, 29],
      ['seccomp/conflicting-rule', 15, 17, 15, 22],
      ['seccomp/schema', 16, 54, 16, 60],
      ['seccomp/schema', 17, 60, 17, 68],
    ],
  },
  {
    name: 'RULES, utf8',
    text: utf8(RULES),
    expected: [
      ['seccomp/schema', 2, 39, 2, 45],
      ['seccomp/denies-essential-syscall', 3, 20, 3, 36],
      ['seccomp/unknown-architecture', 4, 41, 4, 56],
      ['seccomp/unknown-syscall', 6, 34, 6, 44],
      ['seccomp/schema', 6, 46, 6, 47],
      ['seccomp/unknown-action', 7, 38, 7, 53],
      ['seccomp/ignored-errno', 8, 69, 8, 70],
      ['seccomp/redundant-rule', 9, 36, 9, 52],
      ['seccomp/invalid-argument', 10, 18, 10, 19],
      ['seccomp/invalid-argument', 11, 30, 11, 32],
      ['seccomp/schema', 11, 30, 11, 32],
      ['seccomp/invalid-argument', 12, 30, 12, 33],
      ['seccomp/schema', 12, 30, 12, 33],
      ['seccomp/invalid-argument', 13, 39, 13, 55],
      ['seccomp/duplicate-rule', 15, 24, 15, 29],
      ['seccomp/conflicting-rule', 16, 17, 16, 22],
      ['seccomp/schema', 17, 54, 17, 60],
      ['seccomp/schema', 18, 60, 18, 68],
    ],
  },
  {
    name: 'RULES, minified',
    text: minified(RULES),
    expected: [
      ['seccomp/denies-essential-syscall', 1, 20, 1, 36],
      ['seccomp/unknown-architecture', 1, 76, 1, 91],
      ['seccomp/unknown-syscall', 1, 137, 1, 145],
      ['seccomp/schema', 1, 147, 1, 148],
      ['seccomp/unknown-action', 1, 223, 1, 238],
      ['seccomp/ignored-errno', 1, 306, 1, 307],
      ['seccomp/redundant-rule', 1, 342, 1, 358],
      ['seccomp/invalid-argument', 1, 381, 1, 382],
      ['seccomp/invalid-argument', 1, 442, 1, 444],
      ['seccomp/schema', 1, 442, 1, 444],
      ['seccomp/invalid-argument', 1, 492, 1, 495],
      ['seccomp/schema', 1, 492, 1, 495],
      ['seccomp/invalid-argument', 1, 552, 1, 568],
      ['seccomp/duplicate-rule', 1, 595, 1, 600],
      ['seccomp/conflicting-rule', 1, 644, 1, 649],
      ['seccomp/schema', 1, 730, 1, 736],
      ['seccomp/schema', 1, 802, 1, 810],
    ],
  },
  {
    name: 'RULES, utf8+crlf',
    text: crlf(utf8(RULES)),
    expected: [
      ['seccomp/schema', 2, 39, 2, 45],
      ['seccomp/denies-essential-syscall', 3, 20, 3, 36],
      ['seccomp/unknown-architecture', 4, 41, 4, 56],
      ['seccomp/unknown-syscall', 6, 34, 6, 44],
      ['seccomp/schema', 6, 46, 6, 47],
      ['seccomp/unknown-action', 7, 38, 7, 53],
      ['seccomp/ignored-errno', 8, 69, 8, 70],
      ['seccomp/redundant-rule', 9, 36, 9, 52],
      ['seccomp/invalid-argument', 10, 18, 10, 19],
      ['seccomp/invalid-argument', 11, 30, 11, 32],
      ['seccomp/schema', 11, 30, 11, 32],
      ['seccomp/invalid-argument', 12, 30, 12, 33],
      ['seccomp/schema', 12, 30, 12, 33],
      ['seccomp/invalid-argument', 13, 39, 13, 55],
      ['seccomp/duplicate-rule', 15, 24, 15, 29],
      ['seccomp/conflicting-rule', 16, 17, 16, 22],
      ['seccomp/schema', 17, 54, 17, 60],
      ['seccomp/schema', 18, 60, 18, 68],
    ],
  },
  {
    name: 'RULES as docker',
    text: RULES,
    runtime: 'docker',
    expected: [
      ['seccomp/denies-essential-syscall', 2, 20, 2, 36],
      ['seccomp/unknown-architecture', 3, 41, 3, 56],
      ['seccomp/unknown-syscall', 5, 34, 5, 42],
      ['seccomp/schema', 5, 44, 5, 45],
      ['seccomp/unknown-action', 6, 38, 6, 53],
      ['seccomp/ignored-errno', 7, 69, 7, 70],
      ['seccomp/redundant-rule', 8, 36, 8, 52],
      ['seccomp/invalid-argument', 9, 18, 9, 19],
      ['seccomp/invalid-argument', 10, 30, 10, 32],
      ['seccomp/schema', 10, 30, 10, 32],
      ['seccomp/invalid-argument', 11, 30, 11, 33],
      ['seccomp/schema', 11, 30, 11, 33],
      ['seccomp/invalid-argument', 12, 39, 12, 55],
      ['seccomp/duplicate-rule', 14, 24, 14, 29],
      ['seccomp/conflicting-rule', 15, 17, 15, 22],
      ['seccomp/schema', 16, 54, 16, 60],
      ['seccomp/schema', 17, 60, 17, 68],
    ],
  },
  {
    name: 'RULES as docker, crlf',
    text: crlf(RULES),
    runtime: 'docker',
    expected: [
      ['seccomp/denies-essential-syscall', 2, 20, 2, 36],
      ['seccomp/unknown-architecture', 3, 41, 3, 56],
      ['seccomp/unknown-syscall', 5, 34, 5, 42],
      ['seccomp/schema', 5, 44, 5, 45],
      ['seccomp/unknown-action', 6, 38, 6, 53],
      ['seccomp/ignored-errno', 7, 69, 7, 70],
      ['seccomp/redundant-rule', 8, 36, 8, 52],
      ['seccomp/invalid-argument', 9, 18, 9, 19],
      ['seccomp/invalid-argument', 10, 30, 10, 32],
      ['seccomp/schema', 10, 30, 10, 32],
      ['seccomp/invalid-argument', 11, 30, 11, 33],
      ['seccomp/schema', 11, 30, 11, 33],
      ['seccomp/invalid-argument', 12, 39, 12, 55],
      ['seccomp/duplicate-rule', 14, 24, 14, 29],
      ['seccomp/conflicting-rule', 15, 17, 15, 22],
      ['seccomp/schema', 16, 54, 16, 60],
      ['seccomp/schema', 17, 60, 17, 68],
    ],
  },
  {
    name: 'RULES as docker, utf8',
    text: utf8(RULES),
    runtime: 'docker',
    expected: [
      ['seccomp/schema', 2, 39, 2, 45],
      ['seccomp/denies-essential-syscall', 3, 20, 3, 36],
      ['seccomp/unknown-architecture', 4, 41, 4, 56],
      ['seccomp/unknown-syscall', 6, 34, 6, 44],
      ['seccomp/schema', 6, 46, 6, 47],
      ['seccomp/unknown-action', 7, 38, 7, 53],
      ['seccomp/ignored-errno', 8, 69, 8, 70],
      ['seccomp/redundant-rule', 9, 36, 9, 52],
      ['seccomp/invalid-argument', 10, 18, 10, 19],
      ['seccomp/invalid-argument', 11, 30, 11, 32],
      ['seccomp/schema', 11, 30, 11, 32],
      ['seccomp/invalid-argument', 12, 30, 12, 33],
      ['seccomp/schema', 12, 30, 12, 33],
      ['seccomp/invalid-argument', 13, 39, 13, 55],
      ['seccomp/duplicate-rule', 15, 24, 15, 29],
      ['seccomp/conflicting-rule', 16, 17, 16, 22],
      ['seccomp/schema', 17, 54, 17, 60],
      ['seccomp/schema', 18, 60, 18, 68],
    ],
  },
  {
    name: 'RULES as docker, minified',
    text: minified(RULES),
    runtime: 'docker',
    expected: [
      ['seccomp/denies-essential-syscall', 1, 20, 1, 36],
      ['seccomp/unknown-architecture', 1, 76, 1, 91],
      ['seccomp/unknown-syscall', 1, 137, 1, 145],
      ['seccomp/schema', 1, 147, 1, 148],
      ['seccomp/unknown-action', 1, 223, 1, 238],
      ['seccomp/ignored-errno', 1, 306, 1, 307],
      ['seccomp/redundant-rule', 1, 342, 1, 358],
      ['seccomp/invalid-argument', 1, 381, 1, 382],
      ['seccomp/invalid-argument', 1, 442, 1, 444],
      ['seccomp/schema', 1, 442, 1, 444],
      ['seccomp/invalid-argument', 1, 492, 1, 495],
      ['seccomp/schema', 1, 492, 1, 495],
      ['seccomp/invalid-argument', 1, 552, 1, 568],
      ['seccomp/duplicate-rule', 1, 595, 1, 600],
      ['seccomp/conflicting-rule', 1, 644, 1, 649],
      ['seccomp/schema', 1, 730, 1, 736],
      ['seccomp/schema', 1, 802, 1, 810],
    ],
  },
  {
    name: 'RULES as docker, utf8+crlf',
    text: crlf(utf8(RULES)),
    runtime: 'docker',
    expected: [
      ['seccomp/schema', 2, 39, 2, 45],
      ['seccomp/denies-essential-syscall', 3, 20, 3, 36],
      ['seccomp/unknown-architecture', 4, 41, 4, 56],
      ['seccomp/unknown-syscall', 6, 34, 6, 44],
      ['seccomp/schema', 6, 46, 6, 47],
      ['seccomp/unknown-action', 7, 38, 7, 53],
      ['seccomp/ignored-errno', 8, 69, 8, 70],
      ['seccomp/redundant-rule', 9, 36, 9, 52],
      ['seccomp/invalid-argument', 10, 18, 10, 19],
      ['seccomp/invalid-argument', 11, 30, 11, 32],
      ['seccomp/schema', 11, 30, 11, 32],
      ['seccomp/invalid-argument', 12, 30, 12, 33],
      ['seccomp/schema', 12, 30, 12, 33],
      ['seccomp/invalid-argument', 13, 39, 13, 55],
      ['seccomp/duplicate-rule', 15, 24, 15, 29],
      ['seccomp/conflicting-rule', 16, 17, 16, 22],
      ['seccomp/schema', 17, 54, 17, 60],
      ['seccomp/schema', 18, 60, 18, 68],
    ],
  },
  {
    name: 'DOCKER as docker',
    text: DOCKER,
    runtime: 'docker',
    expected: [
      ['seccomp/unknown-architecture', 3, 91, 3, 108],
      ['seccomp/unknown-architecture', 6, 41, 6, 46],
      ['seccomp/unknown-capability', 6, 58, 6, 73],
      ['seccomp/denies-essential-syscall', 8, 17, 8, 23],
      ['seccomp/notify', 9, 38, 9, 55],
    ],
  },
  {
    name: 'DOCKER as docker, crlf',
    text: crlf(DOCKER),
    runtime: 'docker',
    expected: [
      ['seccomp/unknown-architecture', 3, 91, 3, 108],
      ['seccomp/unknown-architecture', 6, 41, 6, 46],
      ['seccomp/unknown-capability', 6, 58, 6, 73],
      ['seccomp/denies-essential-syscall', 8, 17, 8, 23],
      ['seccomp/notify', 9, 38, 9, 55],
    ],
  },
  {
    name: 'DOCKER as docker, utf8',
    text: utf8(DOCKER),
    runtime: 'docker',
    expected: [
      ['seccomp/schema', 2, 39, 2, 45],
      ['seccomp/docker-only-key', 4, 3, 4, 12],
      ['seccomp/unknown-architecture', 4, 91, 4, 108],
      ['seccomp/docker-only-key', 6, 7, 6, 13],
      ['seccomp/docker-only-key', 7, 7, 7, 17],
      ['seccomp/unknown-architecture', 7, 41, 7, 46],
      ['seccomp/unknown-capability', 7, 58, 7, 73],
      ['seccomp/docker-only-key', 8, 55, 8, 65],
      ['seccomp/denies-essential-syscall', 9, 17, 9, 23],
      ['seccomp/notify', 10, 38, 10, 55],
    ],
  },
  {
    name: 'DOCKER as docker, minified',
    text: minified(DOCKER),
    runtime: 'docker',
    expected: [
      ['seccomp/unknown-architecture', 1, 126, 1, 143],
      ['seccomp/unknown-architecture', 1, 260, 1, 265],
      ['seccomp/unknown-capability', 1, 277, 1, 292],
      ['seccomp/denies-essential-syscall', 1, 426, 1, 432],
      ['seccomp/notify', 1, 498, 1, 515],
    ],
  },
  {
    name: 'DOCKER as docker, utf8+crlf',
    text: crlf(utf8(DOCKER)),
    runtime: 'docker',
    expected: [
      ['seccomp/schema', 2, 39, 2, 45],
      ['seccomp/docker-only-key', 4, 3, 4, 12],
      ['seccomp/unknown-architecture', 4, 91, 4, 108],
      ['seccomp/docker-only-key', 6, 7, 6, 13],
      ['seccomp/docker-only-key', 7, 7, 7, 17],
      ['seccomp/unknown-architecture', 7, 41, 7, 46],
      ['seccomp/unknown-capability', 7, 58, 7, 73],
      ['seccomp/docker-only-key', 8, 55, 8, 65],
      ['seccomp/denies-essential-syscall', 9, 17, 9, 23],
      ['seccomp/notify', 10, 38, 10, 55],
    ],
  },
  {
    name: 'SHAPES',
    text: SHAPES,
    expected: [
      ['seccomp/allow-by-default-in-block', 2, 20, 2, 36],
      ['seccomp/ignored-errno', 3, 22, 3, 23],
      ['seccomp/schema', 5, 5, 5, 35],
      ['seccomp/schema', 6, 7, 6, 14],
      ['seccomp/schema', 7, 5, 7, 19],
      ['seccomp/schema', 8, 7, 8, 14],
      ['seccomp/schema', 8, 16, 8, 22],
      ['seccomp/invalid-argument', 9, 86, 9, 106],
    ],
  },
  {
    name: 'SHAPES, crlf',
    text: crlf(SHAPES),
    expected: [
      ['seccomp/allow-by-default-in-block', 2, 20, 2, 36],
      ['seccomp/ignored-errno', 3, 22, 3, 23],
      ['seccomp/schema', 5, 5, 5, 35],
      ['seccomp/schema', 6, 7, 6, 14],
      ['seccomp/schema', 7, 5, 7, 19],
      ['seccomp/schema', 8, 7, 8, 14],
      ['seccomp/schema', 8, 16, 8, 22],
      ['seccomp/invalid-argument', 9, 86, 9, 106],
    ],
  },
  {
    name: 'SHAPES, utf8',
    text: utf8(SHAPES),
    expected: [
      ['seccomp/allow-by-default-in-block', 3, 20, 3, 36],
      ['seccomp/ignored-errno', 4, 22, 4, 23],
      ['seccomp/schema', 6, 5, 6, 35],
      ['seccomp/schema', 7, 7, 7, 14],
      ['seccomp/schema', 8, 5, 8, 19],
      ['seccomp/schema', 9, 7, 9, 14],
      ['seccomp/schema', 9, 16, 9, 22],
      ['seccomp/invalid-argument', 10, 86, 10, 106],
      ['seccomp/schema', 12, 3, 12, 10],
    ],
  },
  {
    name: 'SHAPES, minified',
    text: minified(SHAPES),
    expected: [
      ['seccomp/allow-by-default-in-block', 1, 20, 1, 36],
      ['seccomp/ignored-errno', 1, 57, 1, 58],
      ['seccomp/schema', 1, 74, 1, 104],
      ['seccomp/schema', 1, 108, 1, 115],
      ['seccomp/schema', 1, 151, 1, 165],
      ['seccomp/schema', 1, 169, 1, 176],
      ['seccomp/schema', 1, 178, 1, 184],
      ['seccomp/invalid-argument', 1, 297, 1, 317],
    ],
  },
  {
    name: 'SHAPES, utf8+crlf',
    text: crlf(utf8(SHAPES)),
    expected: [
      ['seccomp/allow-by-default-in-block', 3, 20, 3, 36],
      ['seccomp/ignored-errno', 4, 22, 4, 23],
      ['seccomp/schema', 6, 5, 6, 35],
      ['seccomp/schema', 7, 7, 7, 14],
      ['seccomp/schema', 8, 5, 8, 19],
      ['seccomp/schema', 9, 7, 9, 14],
      ['seccomp/schema', 9, 16, 9, 22],
      ['seccomp/invalid-argument', 10, 86, 10, 106],
      ['seccomp/schema', 12, 3, 12, 10],
    ],
  },
  {
    name: 'NOT_A_PROFILE',
    text: NOT_A_PROFILE,
    expected: [['seccomp/schema', 2, 3, 2, 44]],
  },
  {
    name: 'NOT_A_PROFILE, crlf',
    text: crlf(NOT_A_PROFILE),
    expected: [['seccomp/schema', 2, 3, 2, 44]],
  },
  {
    name: 'NOT_A_PROFILE, utf8',
    text: utf8(NOT_A_PROFILE),
    expected: [['seccomp/schema', 2, 3, 2, 44]],
  },
  {
    name: 'NOT_A_PROFILE, minified',
    text: minified(NOT_A_PROFILE),
    expected: [['seccomp/schema', 1, 2, 1, 43]],
  },
  {
    name: 'NOT_A_PROFILE, utf8+crlf',
    text: crlf(utf8(NOT_A_PROFILE)),
    expected: [['seccomp/schema', 2, 3, 2, 44]],
  },
  {
    name: 'BAD_JSON',
    text: BAD_JSON,
    expected: [['seccomp/invalid-json', 3, 36, 3, 37]],
  },
  {
    name: 'BAD_JSON, crlf',
    text: crlf(BAD_JSON),
    expected: [['seccomp/invalid-json', 3, 36, 3, 37]],
  },
  {
    name: 'BAD_JSON, utf8',
    text: utf8(BAD_JSON),
    expected: [['seccomp/invalid-json', 4, 36, 4, 37]],
  },
  {
    name: 'BAD_JSON, minified',
    text: minified(BAD_JSON),
    expected: [['seccomp/invalid-json', 1, 71, 1, 72]],
  },
  {
    name: 'BAD_JSON, utf8+crlf',
    text: crlf(utf8(BAD_JSON)),
    expected: [['seccomp/invalid-json', 4, 36, 4, 37]],
  },
];

describe('finding positions', () => {
  it.each(CASES)('$name', ({ text, runtime, expected }) => {
    expect(at(lintRanges(text, runtime ? { runtime } : {}))).toEqual(expected);
  });
});
