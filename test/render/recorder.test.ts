// The recorder rule: what it matches and records, and that replaying the repository's rules on
// what it records gives the alerts they give on the full events.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.js';
import { buildAlert } from '../../src/languages/falco/evaluate/alert.js';
import { parseEventLine } from '../../src/languages/falco/evaluate/events.js';
import type { RecordedEvent } from '../../src/languages/falco/evaluate/events.js';
import { loadRuleset, repositoryRulesFiles } from '../../src/languages/falco/evaluate/load.js';
import { recorderRules } from '../../src/render/recorder.js';

const EXAMPLE = resolve('examples');

const load = (_dir: string, files: { absolute: string; display: string }[]): ReturnType<typeof loadRuleset> =>
  loadRuleset(files, 'first');

describe('chs render --recorder', () => {
  it('matches the event types of the rules, records every field they read, in the namespaces given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chs-recorder-'));
    writeFileSync(
      join(dir, 'rules.yaml'),
      [
        '- macro: spawned',
        '  condition: evt.type in (execve, execveat)',
        '- rule: Shell',
        '  desc: d',
        '  condition: spawned and proc.name = bash and not proc.pname in (sshd) and proc.aname[2] = init',
        '  output: shell (user=%user.name pod=%k8s.pod.name)',
        '  priority: WARNING',
        '- rule: Outbound',
        '  desc: d',
        '  condition: evt.type = connect and fd.snet != "10.0.0.0/8"',
        '  output: out (%fd.name)',
        '  priority: NOTICE',
        '- rule: Anything',
        '  desc: d',
        '  condition: proc.name = nc',
        '  output: nc',
        '  priority: ERROR',
        '- rule: Off',
        '  desc: d',
        '  condition: evt.type = ptrace',
        '  output: off',
        '  priority: ERROR',
        '  enabled: false',
        '',
      ].join('\n'),
    );
    const { rules, errors } = load(dir, [{ absolute: join(dir, 'rules.yaml'), display: 'rules.yaml' }]);
    expect(errors).toEqual([]);
    const recorder = recorderRules(rules, ['shop', 'payments', 'shop']);
    expect(recorder.types).toEqual(['connect', 'execve', 'execveat']);
    expect(recorder.namespaces).toEqual(['payments', 'shop']);
    expect(recorder.unbounded).toEqual(['Anything']);
    for (const field of [
      'proc.name',
      'proc.pname',
      'proc.aname[2]',
      'user.name',
      'fd.snet',
      'fd.sip',
      'fd.name',
      'k8s.ns.name',
    ])
      expect(recorder.fields).toContain(field);
    expect(recorder.text).toContain(
      'condition: "evt.type in (connect, execve, execveat) and k8s.ns.name in (payments, shop)"',
    );
    expect(recorder.text).toContain('priority: DEBUG');
    expect(recorder.text).toContain('tags: [chs, chs_recorder]');
    // The file loads as Falco rules, without a finding.
    writeFileSync(join(dir, 'recorder.yaml'), recorder.text);
    expect(load(dir, [{ absolute: join(dir, 'recorder.yaml'), display: 'recorder.yaml' }]).errors).toEqual(
      [],
    );
  });

  it('on the example: the rules replayed on what the recorder records give the alerts of the full events', () => {
    const { config } = loadConfig(EXAMPLE, EXAMPLE);
    const { files } = repositoryRulesFiles(config, EXAMPLE);
    const { ruleset, rules } = loadRuleset(files, config.falco.ruleMatching);
    const namespaces = config.targets.flatMap((t) => t.namespaces ?? []);
    const recorder = recorderRules(rules, namespaces);
    const dir = mkdtempSync(join(tmpdir(), 'chs-recorder-'));
    writeFileSync(join(dir, 'recorder.yaml'), recorder.text);
    const recorderSet = loadRuleset(
      [{ absolute: join(dir, 'recorder.yaml'), display: 'recorder.yaml' }],
      'first',
    );
    expect(recorderSet.errors).toEqual([]);
    const events = ['shop.jsonl', 'shop-2026-11-23.jsonl']
      .flatMap((f) => readFileSync(join(EXAMPLE, 'events', f), 'utf8').split('\n'))
      .filter((l) => l.trim() !== '')
      .map((l, i) => parseEventLine(l, i + 1) as RecordedEvent);
    const alerts = (list: RecordedEvent[]): string[] =>
      list
        .flatMap((e) => ruleset.evaluate(e).map((r) => `${r.rule.name}: ${buildAlert(r, e, 'h').output}`))
        .sort();
    const recorded: RecordedEvent[] = [];
    for (const event of events) {
      const hit = recorderSet.ruleset.first(event);
      if (!hit) continue;
      // What Falco ships: the output fields, an absent one null (<NA>) as Falco writes it.
      const fields = buildAlert(hit, event, 'h').output_fields;
      recorded.push({ ...event, fields });
    }
    expect(recorded.length).toBeGreaterThan(0);
    const inScope = events.filter((e) => namespaces.includes(e.fields['k8s.ns.name'] as string));
    expect(alerts(recorded)).toEqual(alerts(inScope));
    expect(alerts(inScope).length).toBeGreaterThan(0);
  });
});
