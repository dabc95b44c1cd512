/** Where the bot finds GitLab, its project and its token: GitLab CI's predefined variables. */
import { UserError } from '../core/errors.js';

export const DEFAULT_TOKEN_VARIABLE = 'CHS_GITLAB_TOKEN';

export interface GitLabSettings {
  /** CI_SERVER_URL, e.g. https://gitlab.example.com */
  url: string;
  /** CI_PROJECT_ID (a number, or a path such as group/project). */
  projectId: string;
  token: string;
  /** The name of the variable the token came from, for messages. */
  tokenVariable: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** What a command needs the token for: said when the token is missing, with the scope it takes. */
export interface TokenUse {
  /** What the command does with the token, as the end of "... is not set: ". */
  needs: string;
  scope: 'api' | 'read_api';
  /** The least role of the token's bot user, and where ("the Reporter role"). */
  role: string;
  /** What CI_JOB_TOKEN, which users reach for first, cannot do here. */
  jobTokenCannot: string;
}

export const TOKEN_USES = {
  note: {
    needs: 'chs preview --post writes the merge request note with it',
    scope: 'api',
    role: 'the Reporter role',
    jobTokenCannot: 'write merge request notes',
  },
  driftIssue: {
    needs: 'chs drift --issue opens, updates and closes the drift issue with it',
    scope: 'api',
    role: 'the Reporter role',
    jobTokenCannot: 'write issues',
  },
  approvals: {
    needs:
      "chs deploy's approval gate reads with it who approved the merge request that brought this commit (--require-approval=false deploys without the gate)",
    scope: 'read_api',
    role: 'the Reporter role',
    jobTokenCannot: 'read merge request approvals',
  },
  clusterManagement: {
    needs: 'chs deploy commits the rendered policies to the cluster management project with it',
    scope: 'api',
    role: 'the Developer role in the cluster management project',
    jobTokenCannot: 'commit through the API',
  },
} as const satisfies Record<string, TokenUse>;

export type TokenUseName = keyof typeof TOKEN_USES;

export function gitLabSettings(
  env: Env,
  use: TokenUse,
  tokenVariable: string = DEFAULT_TOKEN_VARIABLE,
): GitLabSettings {
  const url = env.CI_SERVER_URL?.trim();
  const projectId = env.CI_PROJECT_ID?.trim();
  const missing = [!url && 'CI_SERVER_URL', !projectId && 'CI_PROJECT_ID'].filter(Boolean);
  if (missing.length > 0)
    throw new UserError(
      `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set: talking to GitLab needs a CI/CD job (or set CI_SERVER_URL and CI_PROJECT_ID yourself)`,
    );
  if (!/^https?:\/\//.test(url as string))
    throw new UserError(`CI_SERVER_URL must be an http(s) URL, not "${url as string}"`);
  const token = env[tokenVariable]?.trim();
  if (!token)
    throw new UserError(
      `${tokenVariable} is not set: ${use.needs}; add a masked CI/CD variable ${tokenVariable} holding a project access token with the "${use.scope}" scope and ${use.role} (CI_JOB_TOKEN cannot ${use.jobTokenCannot})`,
    );
  return { url: (url as string).replace(/\/+$/, ''), projectId: projectId as string, token, tokenVariable };
}

/** CI_MERGE_REQUEST_IID as a number, or a clear error. */
export function mergeRequestIid(env: Env): number {
  const raw = env.CI_MERGE_REQUEST_IID?.trim();
  if (!raw)
    throw new UserError(
      'CI_MERGE_REQUEST_IID is not set: --post runs in a merge request pipeline (rules: - if: $CI_PIPELINE_SOURCE == "merge_request_event")',
    );
  if (!/^\d+$/.test(raw)) throw new UserError(`CI_MERGE_REQUEST_IID must be a number, not "${raw}"`);
  return Number(raw);
}
