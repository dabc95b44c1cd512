/** The drift issue's body: meanings, the next step where it is taken, folded diffs, cuts between blocks. */
import { describe, expect, it } from 'vitest';
import { driftIssueBody, nextStep } from '../../src/cli/drift-issue.js';
import type { DriftReport } from '../../src/kube/drift.js';
import { renderGitLab } from '../../scripts/gitlab-markdown.mjs';

const ref = (kind: string, name: string, namespace?: string) => ({
  apiVersion: kind === 'DaemonSet' ? 'apps/v1' : 'v1',
  kind,
  name,
  ...(namespace ? { namespace } : {}),
});

function report(overrides: Partial<DriftReport> = {}): DriftReport & { context: string } {
  return {
    target: 'production',
    context: 'shop/agents:production',
    missing: [ref('ConfigMap', 'chs-falco-rules', 'falco')],
    changed: [
      {
        ref: ref('ConfigMap', 'chs-profile-loader', 'chs'),
        diff: '--- a\n+++ b\n@@ -1 +1 @@\n-set -u\n+echo tampered\n',
        managers: ['kubectl-edit'],
      },
    ],
    extra: [],
    components: new Map([
      ['/ConfigMap/falco/chs-falco-rules', 'falco-rules'],
      ['/ConfigMap/chs/chs-profile-loader', 'profile-loader'],
    ]),
    ...overrides,
  };
}

/** Code fences opened and closed, <details> balanced, outside code. */
function balanced(markdown: string): boolean {
  let fence: string | undefined;
  let depth = 0;
  for (const line of markdown.split('\n')) {
    const run = /^(`{3,})(.*)$/.exec(line);
    if (fence !== undefined) {
      if (run && (run[1] as string).length >= fence.length && (run[2] as string).trim() === '')
        fence = undefined;
      continue;
    }
    if (run) fence = run[1];
    depth += (line.match(/<details>/g) ?? []).length - (line.match(/<\/details>/g) ?? []).length;
  }
  return fence === undefined && depth === 0;
}

describe('the drift issue', () => {
  it('says what each object means, who changed it, and folds the diff', () => {
    const body = driftIssueBody(report(), {
      projectUrl: 'https://gitlab.example.com/shop/policies',
      defaultBranch: 'main',
      via: 'apply',
      jobName: 'ops-drift',
    });
    expect(body).toContain(
      "- `configmap/chs-falco-rules (namespace falco)`: Falco runs without the repository's rules: none of them alerts.",
    );
    expect(body).toContain('Changed by `kubectl-edit`.');
    expect(body).toContain(
      'Set the CI/CD variable `CHS_FORCE_CONFLICTS` to `true` (Settings → CI/CD → Variables), retry the job `ops-deploy-production` of [the latest pipeline on `main`](https://gitlab.example.com/shop/policies/-/pipelines?ref=main), then delete the variable: the deploy job applies',
    );
    expect(body).toContain('chs deploy --target production --force-conflicts --require-approval=false');
    const html = renderGitLab(body);
    expect(html).toMatch(
      /<details>\s*<summary>Diff of <code>configmap\/chs-profile-loader \(namespace chs\)<\/code>/,
    );
    expect(html).toMatch(/<pre><code class="language-diff">/);
  });

  it('asks for no variable when nobody else owns a changed field, and says where to click outside a known project', () => {
    const step = nextStep(report({ changed: [{ ...report().changed[0]!, managers: [] }] }), {});
    expect(step).toContain(
      'Retry the job `chs-deploy-production` of the latest pipeline on `main` (Build → Pipelines): the deploy job applies',
    );
    expect(step).not.toContain('CHS_FORCE_CONFLICTS');
    expect(step).toContain('chs deploy --target production --require-approval=false\n');
  });

  it('sends a cluster management project target through its pipeline, with no apply command', () => {
    const step = nextStep(report(), { via: 'cluster-management-project', defaultBranch: 'trunk' });
    expect(step).toContain(
      'commits the objects of target production to the cluster management project again',
    );
    expect(step).not.toContain('chs deploy --target');
  });

  it('adds --prune when objects the repository no longer has are still there', () => {
    const step = nextStep(report({ extra: [ref('ConfigMap', 'chs-old', 'falco')] }), {});
    expect(step).toContain('--require-approval=false --prune');
  });

  it('is cut only between blocks at the size limit, never inside a code fence or a fold', () => {
    const long = Array.from({ length: 400 }, (_, i) => `+line ${i} ${'x'.repeat(60)}`).join('\n');
    const changed = Array.from({ length: 10 }, (_, i) => ({
      ref: ref('ConfigMap', `cm-${i}`, 'chs'),
      diff: `@@ -1 +1,400 @@\n${long}\n`,
      managers: [],
    }));
    const whole = driftIssueBody(report({ changed }));
    for (const limit of [2_000, 30_000, 60_000, 100_000, 200_000]) {
      const cut = driftIssueBody(report({ changed }), {}, limit);
      expect(cut.length).toBeLessThanOrEqual(limit);
      expect(balanced(cut)).toBe(true);
      expect(cut).toContain('cut at the size limit');
      expect(whole.startsWith(cut.slice(0, cut.indexOf('\n\n… (cut')))).toBe(true);
    }
    expect(balanced(whole)).toBe(true);
  });

  it('shows a hostile target name as text and quotes it for the shell', () => {
    const body = driftIssueBody(report({ target: "prod'; rm -rf / #" }), {});
    expect(body).toContain("chs deploy --target 'prod'\\''; rm -rf / #'");
    expect(renderGitLab(body)).not.toMatch(/<(img|script|a)\b/);
  });
});

describe('CHS_FORCE_CONFLICTS, as the drift issue asks a pipeline to set it', () => {
  it('refuses a value that is neither true nor false, with exit 2 and nothing read', async () => {
    const { deployCommand } = await import('../../src/cli/deploy.js');
    const { FIXTURE, runCommand } = await import('../kube/helpers.js');
    const run = await runCommand(FIXTURE, (ctx) =>
      deployCommand(
        ctx,
        { requireApproval: false, kubeconfig: '/nonexistent' },
        { env: { CHS_FORCE_CONFLICTS: 'yes please' } },
      ),
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'chs: CHS_FORCE_CONFLICTS=yes please: set it to true (take over fields other field managers own) or false\n',
    );
  });
});

describe('rule pages', () => {
  it('link under CHS_DOCS_URL, and not at all when no base is known', async () => {
    const { ruleDocsUrl } = await import('../../src/core/rule-docs.js');
    const saved = process.env.CHS_DOCS_URL;
    try {
      process.env.CHS_DOCS_URL = 'https://docs.example.com/chs/';
      expect(ruleDocsUrl('falco/unused-macro')).toBe(
        'https://docs.example.com/chs/rules/falco/unused-macro.md',
      );
      process.env.CHS_DOCS_URL = 'javascript:alert(1)';
      expect(ruleDocsUrl('falco/unused-macro')).toBe('');
    } finally {
      if (saved === undefined) delete process.env.CHS_DOCS_URL;
      else process.env.CHS_DOCS_URL = saved;
    }
  });
});
