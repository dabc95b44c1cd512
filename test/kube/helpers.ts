/** Running chs deploy and drift in-process against the test API server, from a copy of a fixture repository. */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandContext } from '../../src/cli/run.js';
import { UserError } from '../../src/core/errors.js';
import { startKubeServer } from '../kube-server/server.js';
import type { KubeServer } from '../kube-server/server.js';

export const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'deploy-repo');
export const AGENT_CONTEXT = 'group/cluster-management:production-agent';

export interface Workspace {
  server: KubeServer;
  repo: string;
  kubeconfig: string;
  dispose(): Promise<void>;
}

/** A fresh API server with the falco namespace (as the Falco chart leaves it), and a copy of the repository. */
export async function workspace(): Promise<Workspace> {
  const server = await startKubeServer();
  server.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'falco' } }, 'helm');
  server.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, 'kubectl-create');
  const dir = mkdtempSync(join(tmpdir(), 'chs-deploy-'));
  const repo = join(dir, 'repo');
  cpSync(FIXTURE, repo, { recursive: true });
  const kubeconfig = join(dir, 'kubeconfig');
  // The current context is another one: the target's kubeContext must be the one used.
  writeFileSync(kubeconfig, server.kubeconfig(['somewhere-else', AGENT_CONTEXT]));
  return {
    server,
    repo,
    kubeconfig,
    async dispose() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = {
    isTTY: false,
    write(chunk: string | Uint8Array): boolean {
      text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

/** Runs a command body as `run()` would: a UserError becomes its exit code and one line. */
export async function runCommand(cwd: string, body: (ctx: CommandContext) => Promise<number>): Promise<Run> {
  const out = capture();
  const err = capture();
  let code: number;
  try {
    code = await body({ cwd, root: cwd, stdout: out.stream, stderr: err.stream });
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    err.stream.write(`chs: ${error.message}\n`);
    code = error.exitCode;
  }
  return { code, stdout: out.text(), stderr: err.text() };
}

export async function deploy(ws: Workspace, flags: Record<string, unknown> = {}): Promise<Run> {
  const { deployCommand } = await import('../../src/cli/deploy.js');
  return runCommand(ws.repo, (ctx) =>
    // No CI variables: the deploy runs as from a workstation (the gate's tests set them).
    deployCommand(ctx, { requireApproval: false, kubeconfig: ws.kubeconfig, ...flags }, { env: {} }),
  );
}

export async function drift(ws: Workspace, flags: Record<string, unknown> = {}): Promise<Run> {
  const { driftCommand } = await import('../../src/cli/drift.js');
  return runCommand(ws.repo, (ctx) =>
    driftCommand(ctx, { kubeconfig: ws.kubeconfig, ...flags }, { env: {} }),
  );
}
