/**
 * The event-generator suite: for every scenario of `evtgen_suite`, the events built from what it
 * states (see scenario.ts) must make the official rules raise the rule the suite expects, with
 * the suite's priority. The scenarios that depend on what only a running kernel knows are listed
 * below with the field they lack; for those the test checks that the rule indeed stops at that
 * field, so the list cannot go stale silently.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ruleset } from '../../../src/languages/falco/evaluate/engine.js';
import { explainMiss } from '../../../src/languages/falco/evaluate/explain.js';
import { loadRuleset } from '../../../src/languages/falco/evaluate/load.js';
import { priorityName } from '../../../src/languages/falco/evaluate/output.js';
import { corpusDir, hasCorpus, warnSkipped } from '../corpus.js';
import { loadSuite } from './scenario.js';

/** Scenarios whose rule needs a field that no recording of the scenario's fields carries. */
const CAP_SYS_ADMIN = {
  field: 'thread.cap_effective',
  why: 'the capabilities of the writing thread are kernel state; the scenario states user and file only',
};
export const NOT_REPRODUCIBLE: Readonly<Record<string, { field: string; why: string }>> = {
  debugfs_launched_in_privileged_container: {
    field: 'container.privileged',
    why: 'whether the container runs privileged comes from the container runtime, not from the scenario',
  },
  detect_release_agent_file_container_escapes_open: CAP_SYS_ADMIN,
  detect_release_agent_file_container_escapes_openat: CAP_SYS_ADMIN,
  detect_release_agent_file_container_escapes_openat2: CAP_SYS_ADMIN,
  drop_and_execute_new_binary_in_container: {
    field: 'proc.is_exe_upper_layer',
    why: 'whether the executable sits in the overlay upper layer is filesystem state; the exec flags the suite expects do not say',
  },
};

warnSkipped('the event-generator suite');

describe.skipIf(!hasCorpus)('event-generator suite against the official rules', () => {
  // Skipped tests are still collected: without the corpus there is nothing to load, only this stand-in to count.
  if (!hasCorpus) {
    it('runs every scenario of the suite', () => undefined);
    return;
  }
  const files = ['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml'].map((f) => ({
    absolute: join(corpusDir, f),
    display: f,
  }));
  const loaded = loadRuleset(files, 'all');
  // The suite's runner enables every rule it tests, as a user would with `enabled: true`.
  const ruleset = new Ruleset(
    loaded.rules.map((rule) => ({ ...rule, enabled: true })),
    'all',
  );
  const suite = loadSuite(join(corpusDir, 'evtgen_suite'));

  it('loads the official rules and the whole suite', () => {
    expect(loaded.errors).toEqual([]);
    expect(suite.length).toBeGreaterThan(300);
  });

  const byTest = new Map<string, typeof suite>();
  for (const c of suite) byTest.set(c.test, [...(byTest.get(c.test) ?? []), c]);

  for (const [test, cases] of byTest) {
    const missing = NOT_REPRODUCIBLE[test];
    it(`${test}: ${missing ? `cannot fire from fields alone (${missing.field})` : `fires "${cases[0]?.rule}"`} in ${cases.length} cases`, () => {
      for (const c of cases) {
        const target = ruleset.compiled.find((r) => r.rule.name === c.rule);
        expect(target, `rule "${c.rule}" is loaded`).toBeDefined();
        const fired = c.events.some((fields) =>
          ruleset.evaluate({ source: 'syscall', fields }).includes(target!),
        );
        const exit = { source: 'syscall', fields: c.events.at(-1) ?? {} };
        if (missing) {
          expect(fired, `${test} ${JSON.stringify(c.item)}`).toBe(false);
          expect(explainMiss(target!, exit)).toContain(missing.field);
        } else {
          expect(fired, `${test} ${JSON.stringify(c.item)}: ${explainMiss(target!, exit)}`).toBe(true);
        }
      }
    });
  }

  it('gives every alert the priority the suite expects', () => {
    for (const c of suite) {
      const target = ruleset.compiled.find((r) => r.rule.name === c.rule);
      expect(priorityName(target?.rule.priority ?? ''), c.test).toBe(priorityName(c.priority));
    }
  });
});
