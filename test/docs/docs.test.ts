/**
 * The README is a front door and docs/ holds the details: the README stays short and keeps its two
 * set-up commands, every docs page is reachable from it, what the README used to say is still
 * said somewhere (its former headings), and every command and flag `--help` shows is documented.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChs } from '../helpers/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const headings = (text: string): string[] =>
  text
    .replace(/^```[\s\S]*?^```/gm, '')
    .split('\n')
    .filter((line) => /^#+ /.test(line))
    .map((line) => line.replace(/^#+ /, '').trim());

describe('the README', () => {
  const readme = read('README.md');

  it('is at most 300 lines', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(300);
  });

  it('keeps the two set-up commands exactly', () => {
    expect(readme).toContain('npm ci && npm start    #');
    expect(readme).toContain('npm ci && npm test     #');
  });

  it('links every page of docs/, directly or through docs/README.md', () => {
    const index = read('docs/README.md');
    const pages = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md') && f !== 'README.md');
    expect(readme).toContain('](docs/README.md)');
    for (const page of pages)
      expect(`${readme}\n${index}`, page).toMatch(new RegExp(`\\]\\((?:docs/)?${page}\\)`));
  });
});

/** The README's headings before it became a front door, and the page that now holds each section. */
const MOVED: [string, string][] = [
  ['container-host-security', 'README.md'],
  ['Set up', 'README.md'],
  ['The policy repository', 'docs/configuration.md'],
  ['Policy languages', 'docs/README.md'],
  ['Falco rules (`policies/falco/**/*.yaml`)', 'docs/falco.md'],
  ['AppArmor profiles (`chs lint`, kind `apparmor`)', 'docs/apparmor.md'],
  ['Rules', 'docs/apparmor.md'],
  ['Evaluation (`chs test` cases of kind `apparmor`, impact preview)', 'docs/apparmor.md'],
  ['seccomp profiles (`chs lint`, `chs test`)', 'docs/seccomp.md'],
  ['Pod security policies: `policies/pod-security/**/*.yaml`', 'docs/pod-security.md'],
  ['Commands', 'docs/commands.md'],
  ['`chs lint [PATH...]`', 'docs/commands.md'],
  ['`chs rules [ID]`', 'docs/commands.md'],
  ['`chs test`', 'docs/commands.md'],
  ['`chs falco parse [CONDITION...] [--stdin]`', 'docs/commands.md'],
  ['`chs falco compile FILE... [--format text|json]`', 'docs/commands.md'],
  ['`chs falco replay`', 'docs/commands.md'],
  [
    '`chs pod-security check FILE... [--level baseline|restricted|privileged] [--version v1.N|latest] [--format text|json]`',
    'docs/commands.md',
  ],
  ['`chs preview`', 'docs/commands.md'],
  ["What each language's impact provider reports", 'docs/commands.md'],
  ['Cluster snapshots (for the impact preview)', 'docs/commands.md'],
  ['`chs render [--target NAME] [--out DIR]`', 'docs/commands.md'],
  ['Render settings: `render:` in `chs.yaml`', 'docs/commands.md'],
  ['`chs deploy [--target NAME] [--dry-run] [--prune] [--force-conflicts]`', 'docs/commands.md'],
  ['`chs drift [--target NAME] [--format text|json] [--issue]`', 'docs/commands.md'],
  ['Configuration: `chs.yaml`', 'docs/configuration.md'],
  ['CI/CD templates', 'docs/ci-templates.md'],
  ['Inputs', 'docs/ci-templates.md'],
  ['`ci-templates/lint.yml`', 'docs/ci-templates.md'],
  ['`ci-templates/preview.yml`', 'docs/ci-templates.md'],
  ['`ci-templates/deploy.yml`', 'docs/ci-templates.md'],
  ['`ci-templates/drift.yml`', 'docs/ci-templates.md'],
  ['`ci-templates/all.yml`', 'docs/ci-templates.md'],
];

describe("the README's former sections", () => {
  it.each(MOVED)('"%s" is in %s', (heading, page) => {
    expect(headings(read(page))).toContain(heading);
  });
});

/** The commands and flags of `chs [path] --help`, walking the subcommands. */
async function helpTree(path: string[] = []): Promise<{ path: string[]; flags: string[] }[]> {
  const { stdout, code } = await runChs([...path, '--help']);
  expect(code, path.join(' ')).toBe(0);
  const section = (name: string): string =>
    (stdout.split(`\n${name}:\n`)[1] ?? '').split(/\n[A-Z][a-z]+:\n/)[0] ?? '';
  const flags = [...section('Options').matchAll(/--([a-z][a-z-]*)/g)]
    .map((m) => `--${m[1]}`)
    .filter((f) => f !== '--help');
  const commands = [...section('Commands').matchAll(/^ {2}([a-z][a-z-]*)/gm)]
    .map((m) => m[1] as string)
    .filter((name) => name !== 'help');
  const below = await Promise.all(commands.map((name) => helpTree([...path, name])));
  return [{ path, flags: [...new Set(flags)] }, ...below.flat()];
}

/** The part of docs/commands.md under the heading that names `chs PATH`. */
function sectionOf(page: string, path: string[]): string | undefined {
  const lines = page.split('\n');
  const start = lines.findIndex((line) => /^#+ /.test(line) && line.includes(`\`chs ${path.join(' ')}`));
  if (start === -1) return undefined;
  const level = (lines[start] as string).indexOf(' ');
  const end = lines.findIndex((line, i) => i > start && /^#+ /.test(line) && line.indexOf(' ') <= level);
  return lines.slice(start, end === -1 ? undefined : end).join('\n');
}

describe('docs/commands.md', () => {
  it('documents every command and every flag that --help shows, under the command', async () => {
    const page = read('docs/commands.md');
    const tree = await helpTree();
    const missing: string[] = [];
    for (const { path, flags } of tree) {
      if (path.length === 0) {
        for (const flag of flags) if (!page.includes(flag)) missing.push(`chs ${flag}`);
        continue;
      }
      const section = sectionOf(page, path);
      if (section === undefined) {
        // A command group (chs falco) is documented through its subcommands.
        if (!tree.some((t) => t.path.length > path.length && t.path[0] === path[0]))
          missing.push(`chs ${path.join(' ')}`);
        continue;
      }
      for (const flag of flags) if (!section.includes(flag)) missing.push(`chs ${path.join(' ')} ${flag}`);
    }
    expect(tree.length).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  }, 60_000);
});
