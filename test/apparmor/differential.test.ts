/**
 * Differential check against the installed apparmor_parser (AppArmor 3 here): profiles it has
 * never seen (AppArmor 3 seeds with a few random edits) must get the same verdict from both.
 * 25 cases by default (each runs apparmor_parser); CHS_DIFF_ITERATIONS=N runs more.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatMessage } from '../../src/core/rule.js';
import { analyzeText } from '../../src/languages/apparmor/analyze.js';
import { parserRuleIds } from '../../src/languages/apparmor/rules/index.js';
import { apparmorParserAccepts, hasApparmorParser, noApparmorParser, skipping } from './helpers.js';
import { random } from '../helpers/random.js';
import { APPARMOR_SYSTEM } from '../helpers/apparmor-system.js';

const ITERATIONS = Number(process.env.CHS_DIFF_ITERATIONS ?? 25);
const examples = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../examples/policies/apparmor');

if (noApparmorParser) skipping('differential check against apparmor_parser', noApparmorParser);

const SEEDS = [
  readFileSync(join(examples, 'k8s-nginx'), 'utf8'),
  readFileSync(join(examples, 'k8s-report-worker'), 'utf8'),
  'profile a {\n  capability net_bind_service setuid,\n  network inet stream,\n  signal (send, receive) set=(term, kill) peer=b,\n  ptrace (read) peer=unconfined,\n  mount fstype=tmpfs -> /tmp/,\n  umount /mnt/**,\n  unix (send, receive) type=stream peer=(label=b),\n  change_profile -> b,\n  set rlimit nofile <= 1024,\n  /usr/bin/x Cx -> c,\n  profile c {\n  }\n  ^hat {\n    /tmp/hat r,\n  }\n}\n',
];
const TOKENS = [
  '{',
  '}',
  ',',
  '"',
  '(',
  ')',
  '[',
  '@{',
  '**',
  '?',
  '->',
  '=',
  '\n',
  ' ',
  '#',
  'deny ',
  'audit ',
  'owner ',
  'capability ',
  'network ',
  'rwx',
  'Px',
  'ix',
  'ux',
  'peer=',
  'inet',
  'sys_admin',
  '/tmp/',
  'r',
  'w',
  'k',
  'x',
  'file ',
];

describe.skipIf(!hasApparmorParser)('verdicts on edited profiles, against apparmor_parser', () => {
  it(`agrees on at least 90% of ${ITERATIONS} edited profiles, listing each disagreement`, () => {
    const next = random(7);
    let agreed = 0;
    const disagreements: string[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      let text = SEEDS[Math.floor(next() * SEEDS.length)] as string;
      for (let step = 0; step < 1 + Math.floor(next() * 2); step++) {
        const at = Math.floor(next() * (text.length + 1));
        text =
          next() < 0.4
            ? text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 3))
            : text.slice(0, at) + (TOKENS[Math.floor(next() * TOKENS.length)] as string) + text.slice(at);
      }
      const { findings } = analyzeText(text, 'edited', {
        roots: [APPARMOR_SYSTEM],
        bases: [process.cwd()],
        cwd: process.cwd(),
      });
      const errors = findings.filter((f) => parserRuleIds.has(f.rule.meta.id));
      const ours = errors.length === 0;
      const theirs = apparmorParserAccepts(text);
      if (ours === theirs) agreed++;
      else {
        const first = errors[0];
        disagreements.push(
          `apparmor_parser ${theirs ? 'accepts' : 'refuses'}, we ${ours ? 'accept' : `refuse (${first ? formatMessage(first.rule.messages[first.messageId] ?? '', first.data) : ''})`}:\n${text}`,
        );
      }
    }
    console.log(`differential: ${agreed}/${ITERATIONS} agree`);
    for (const line of disagreements) console.log(`  disagreement: ${line}`);
    expect(agreed / ITERATIONS).toBeGreaterThanOrEqual(0.9);
  });
});
