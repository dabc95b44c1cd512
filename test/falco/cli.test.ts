import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../src/cli/run.js';
import { falcoCompileCommand } from '../../src/cli/falco-compile.js';
import { falcoParseCommand } from '../../src/cli/falco-parse.js';

function context(cwd: string): { ctx: CommandContext; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const stream = (append: (s: string) => void): NodeJS.WriteStream =>
    ({ write: (s: string) => (append(s), true) }) as unknown as NodeJS.WriteStream;
  return {
    ctx: { cwd, root: cwd, stdout: stream((s) => (out += s)), stderr: stream((s) => (err += s)) },
    out: () => out,
    err: () => err,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'chs-falco-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('chs falco parse', () => {
  it('prints one JSON line per condition, with the column of a syntax error', async () => {
    const { ctx, out } = context(dir);
    const code = await falcoParseCommand(ctx, ['proc.name = bash', 'a and'], {});
    const lines = out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({
      ok: true,
      ast: { kind: 'binary', op: '=', left: { name: 'proc.name' } },
    });
    expect(lines[1]).toEqual({ ok: false, error: "expected blank or '(' after 'and'", column: 6 });
    expect(code).toBe(1);
  });

  it('exits 0 when every condition parses', async () => {
    const { ctx } = context(dir);
    expect(await falcoParseCommand(ctx, ['evt.type in (execve, execveat)'], {})).toBe(0);
  });
});

describe('chs falco compile', () => {
  const macros = join(dir, 'macros.yaml');
  const rules = join(dir, 'rules.yaml');
  writeFileSync(
    macros,
    '- macro: spawned_process\n  condition: evt.type in (execve, execveat)\n- list: shells\n  items: [bash, sh]\n',
  );
  writeFileSync(
    rules,
    '- rule: Shell\n  desc: d\n  condition: spawned_process and proc.name in (shells)\n  output: "%proc.name"\n  priority: INFO\n  exceptions:\n    - name: ci\n      fields: [k8s.ns.name]\n      values: [[ci]]\n',
  );

  it('prints the expanded conditions of files loaded in the given order', async () => {
    const { ctx, out } = context(dir);
    expect(await falcoCompileCommand(ctx, ['macros.yaml', 'rules.yaml'], { format: 'json' })).toBe(0);
    const json = JSON.parse(out()) as { rules: { name: string; condition: string }[] };
    expect(json.rules).toEqual([
      expect.objectContaining({
        name: 'Shell',
        condition: '((evt.type in (execve, execveat) and proc.name in (bash, sh)) and not k8s.ns.name = ci)',
      }),
    ]);
  });

  it('reports load errors with file, line and column, and exits 1', async () => {
    const { ctx, err } = context(dir);
    expect(await falcoCompileCommand(ctx, ['rules.yaml'], {})).toBe(1);
    expect(err()).toContain("rules.yaml:3:14: error: Undefined macro 'spawned_process' used in filter.");
  });
});
