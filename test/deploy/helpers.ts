/** A test API server and a test GitLab server side by side, for the deploy gate, the cluster management project and the drift issue. */
import type { GitLabServer } from '../gitlab-server/server.js';
import { PROJECT_ID, TOKEN, startFixture } from '../gitlab-server/fixture.js';
import { runCommand, workspace } from '../kube/helpers.js';
import type { Run, Workspace } from '../kube/helpers.js';
import type { ClientOptions } from '../../src/gitlab/client.js';

export { PROJECT_ID, TOKEN };
export const CMP_ID = 43;
const CMP_PATH = 'group/cluster-management';
export const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

/** The root helmfile.yaml as GitLab's cluster management project template has it (entries commented out). */
export const TEMPLATE_HELMFILE = `helmDefaults:
  atomic: true
  wait: true

helmfiles:
#  - path: applications/cert-manager/helmfile.yaml
   - path: applications/gitlab-runner/helmfile.yaml
#  - path: applications/ingress/helmfile.yaml
#  - path: applications/prometheus/helmfile.yaml
`;

export interface Both {
  kube: Workspace;
  gitlab: GitLabServer;
  dispose(): Promise<void>;
}

export async function both(): Promise<Both> {
  const kube = await workspace();
  const gitlab = await startFixture();
  gitlab.addProject(CMP_ID, CMP_PATH, {
    'helmfile.yaml': TEMPLATE_HELMFILE,
    'applications/gitlab-runner/helmfile.yaml': 'releases: []\n',
    '.gitlab-ci.yml': 'include:\n  - template: Kubernetes.gitlab-ci.yml\n',
  });
  return {
    kube,
    gitlab,
    async dispose() {
      await gitlab.close();
      await kube.dispose();
    },
  };
}

/** The variables of a pipeline on the default branch of the policy project. */
export function ciEnv(gitlab: GitLabServer, extra: Record<string, string> = {}): Record<string, string> {
  return {
    GITLAB_CI: 'true',
    CI_SERVER_URL: gitlab.url,
    CI_PROJECT_ID: String(PROJECT_ID),
    CI_PROJECT_PATH: 'group/policies',
    CHS_GITLAB_TOKEN: TOKEN,
    CI_COMMIT_SHA: SHA,
    CI_COMMIT_BRANCH: 'main',
    CI_DEFAULT_BRANCH: 'main',
    ...extra,
  };
}

const fast: ClientOptions = {
  retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 10, maxTotalMs: 2_000 },
  sleep: async () => {},
};

export async function deployIn(
  b: Both,
  env: Record<string, string | undefined>,
  flags: Record<string, unknown> = {},
): Promise<Run> {
  const { deployCommand } = await import('../../src/cli/deploy.js');
  return runCommand(b.kube.repo, (ctx) =>
    deployCommand(ctx, { kubeconfig: b.kube.kubeconfig, ...flags }, { env, clientOptions: fast }),
  );
}

export async function driftIn(
  b: Both,
  env: Record<string, string | undefined>,
  flags: Record<string, unknown> = {},
): Promise<Run> {
  const { driftCommand } = await import('../../src/cli/drift.js');
  return runCommand(b.kube.repo, (ctx) =>
    driftCommand(ctx, { kubeconfig: b.kube.kubeconfig, ...flags }, { env, clientOptions: fast }),
  );
}
