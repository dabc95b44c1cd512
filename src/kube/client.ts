/**
 * The cluster, through `@kubernetes/client-node` (imported here and nowhere else, and only when a
 * command needs the cluster). A kubeconfig from `--kubeconfig`, the target's `kubeconfig`,
 * `KUBECONFIG` or `~/.kube/config`, and a context by name, GitLab agent contexts
 * (`path/to/agent-project:agent-name`) included. Objects travel as plain JSON: responses are
 * returned as the server sent them, not as the client's typed models, so that nothing the server
 * set is lost or reshaped before a drift check reads it.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { didYouMean } from '../core/did-you-mean.js';
import { UserError, errorMessage } from '../core/errors.js';
import type {
  Configuration,
  KubernetesObject,
  RequestContext,
  ResponseContext,
} from '@kubernetes/client-node';
import { refOf } from './objects.js';
import type { KubeObject, ObjectRef } from './objects.js';

export const FIELD_MANAGER = 'container-host-security';

export interface ApiStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    kind?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
  };
}

/** A request the cluster refused (`status` > 0) or that did not complete (`status` 0). */
export class KubeApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body?: ApiStatus,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }

  get reason(): string | undefined {
    return this.body?.reason;
  }
}

interface ResourceInfo {
  plural: string;
  namespaced: boolean;
}

export interface KubeClient {
  /** The context in use and the API server it points at. */
  readonly context: string;
  readonly server: string;
  /** Discovery: how the cluster serves a kind, or undefined when it does not. */
  resource(apiVersion: string, kind: string): Promise<ResourceInfo | undefined>;
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  /** Every object of a kind (all namespaces), optionally filtered by a label selector. */
  list(apiVersion: string, kind: string, labelSelector?: string): Promise<KubeObject[]>;
  /** Server-side apply with our field manager. */
  apply(object: KubeObject, options: { dryRun: boolean; force: boolean }): Promise<KubeObject>;
  delete(ref: ObjectRef, options: { dryRun: boolean }): Promise<void>;
}

export interface ConnectOptions {
  cwd: string;
  /** A kubeconfig file (relative to cwd); default KUBECONFIG, then ~/.kube/config. */
  kubeconfig?: string;
  /** A context name; default the kubeconfig's current context. */
  context?: string;
  /** How long one request may take; default CHS_KUBE_TIMEOUT seconds, else 30 s. */
  timeoutMs?: number;
  /** Objects per list request (`limit`, then `continue` for the next page); default 500, as kubectl. */
  listChunkSize?: number;
}

function requestTimeout(options: ConnectOptions): number {
  if (options.timeoutMs !== undefined) return options.timeoutMs;
  const seconds = Number(process.env.CHS_KUBE_TIMEOUT);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 30_000;
}

function toApiError(error: unknown, what: string, timeoutMs: number): KubeApiError {
  if ((error as { name?: string }).name === 'AbortError' || (error as { type?: string }).type === 'aborted') {
    return new KubeApiError(
      `${what}: no answer from the API server within ${timeoutMs / 1000} s (CHS_KUBE_TIMEOUT)`,
      0,
    );
  }
  const e = error as { code?: unknown; body?: unknown; message?: string };
  if (typeof e.code === 'number') {
    let body: ApiStatus | undefined;
    if (typeof e.body === 'string') {
      try {
        body = JSON.parse(e.body) as ApiStatus;
      } catch {
        body = { message: e.body };
      }
    } else if (e.body && typeof e.body === 'object') body = e.body;
    const message = body?.message ?? `HTTP ${e.code}`;
    return new KubeApiError(`${what}: ${message}`, e.code, body);
  }
  // A request that got no answer: node-fetch says why after "reason:" (connect ECONNREFUSED ..., socket hang up).
  const text = errorMessage(error).split('\n')[0] ?? '';
  const reason = /reason: (.*)$/.exec(text)?.[1] ?? text;
  return new KubeApiError(`${what}: no answer from the API server (${reason})`, 0);
}

/** Connects to a cluster. Throws UserError (exit 2) for a missing kubeconfig or context. */
export async function connect(options: ConnectOptions): Promise<KubeClient> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  let source: string;
  try {
    if (options.kubeconfig !== undefined) {
      const file = resolve(options.cwd, options.kubeconfig);
      if (!existsSync(file)) throw new UserError(`kubeconfig ${options.kubeconfig}: no such file`);
      kc.loadFromFile(file);
      source = options.kubeconfig;
    } else if (process.env.KUBECONFIG) {
      kc.loadFromDefault();
      source = `KUBECONFIG (${process.env.KUBECONFIG})`;
    } else if (existsSync(join(homedir(), '.kube', 'config'))) {
      kc.loadFromDefault();
      source = '~/.kube/config';
    } else if (process.env.KUBERNETES_SERVICE_HOST) {
      kc.loadFromCluster();
      source = 'the in-cluster service account';
    } else {
      throw new UserError(
        "no kubeconfig: set KUBECONFIG (in GitLab CI, the agent provides it), pass --kubeconfig, or set the target's kubeconfig in chs.yaml",
      );
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`cannot load the kubeconfig: ${errorMessage(error).split('\n')[0] ?? ''}`);
  }
  if (options.context !== undefined) {
    if (!kc.getContextObject(options.context)) {
      const names = kc.getContexts().map((c) => c.name);
      const hint = didYouMean(options.context, names);
      throw new UserError(
        `kube context "${options.context}" is not in ${source}${hint ? `; did you mean "${hint}"?` : ''} (contexts: ${names.join(', ') || 'none'})`,
      );
    }
    kc.setCurrentContext(options.context);
  }
  const context = kc.getCurrentContext();
  const cluster = kc.getCurrentCluster();
  if (!context || !cluster)
    throw new UserError(
      `${source} has no current context: pass --kube-context or set the target's kubeContext`,
    );

  const timeoutMs = requestTimeout(options);
  const chunkSize = options.listChunkSize ?? 500;

  class RawObjectApi extends k8s.KubernetesObjectApi {
    /** Every request, discovery included, gives up after the timeout: a silent server must not hang a deploy. */
    protected override requestPromise<T extends KubernetesObject>(
      requestContext: RequestContext,
      type?: string,
      configuration?: Configuration,
    ): Promise<T> {
      requestContext.setSignal(AbortSignal.timeout(timeoutMs));
      return super.requestPromise<T>(requestContext, type, configuration);
    }

    /** Responses as the server sent them (the typed models drop and reshape fields). */
    protected override async processResponse<T extends KubernetesObject>(
      response: ResponseContext,
      type?: string,
    ): Promise<T> {
      if (response.httpStatusCode >= 200 && response.httpStatusCode <= 299) {
        return JSON.parse(await response.body.text()) as T;
      }
      return super.processResponse<T>(response, type);
    }

    async describe(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
      try {
        const found = await this.resource(apiVersion, kind);
        return found ? { plural: found.name, namespaced: found.namespaced } : undefined;
      } catch (error) {
        if ((error as { code?: unknown }).code === 404) return undefined;
        throw error;
      }
    }
  }
  const api = kc.makeApiClient(RawObjectApi);

  const header = (ref: ObjectRef): KubeObject => ({
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: ref.namespace === undefined ? { name: ref.name } : { name: ref.name, namespace: ref.namespace },
  });
  const label = (ref: ObjectRef): string =>
    `${ref.kind.toLowerCase()}/${ref.name}${ref.namespace !== undefined ? ` in namespace ${ref.namespace}` : ''}`;

  return {
    context,
    server: cluster.server,
    async resource(apiVersion, kind) {
      try {
        return await api.describe(apiVersion, kind);
      } catch (error) {
        throw toApiError(error, `discovery of ${apiVersion}`, timeoutMs);
      }
    },
    async get(ref) {
      try {
        return await api.read<KubeObject>(header(ref));
      } catch (error) {
        if ((error as { code?: unknown }).code === 404) return undefined;
        throw toApiError(error, `reading ${label(ref)}`, timeoutMs);
      }
    },
    async list(apiVersion, kind, labelSelector) {
      // In chunks, as kubectl does (--chunk-size 500): a large cluster's pods are never one huge
      // answer. A continue token that expired between pages (410) means the list is started again.
      const what = `listing ${kind} (${apiVersion})`;
      for (let attempt = 1; ; attempt++) {
        const items: KubeObject[] = [];
        let token: string | undefined;
        try {
          do {
            const page = await api.list(
              apiVersion,
              kind,
              undefined,
              undefined,
              undefined,
              undefined,
              undefined,
              labelSelector,
              chunkSize,
              token,
            );
            for (const item of page.items) items.push({ ...(item as KubeObject), apiVersion, kind });
            const next =
              page.metadata?._continue ?? (page.metadata as { continue?: string } | undefined)?.continue;
            token = next === undefined || next === '' ? undefined : next;
          } while (token !== undefined);
          return items;
        } catch (error) {
          const expired = (error as { code?: unknown }).code === 410 && token !== undefined;
          if (expired && attempt < 3) continue;
          throw toApiError(error, what, timeoutMs);
        }
      }
    },
    async apply(object, { dryRun, force }) {
      try {
        return await api.patch<KubeObject>(
          structuredClone(object),
          undefined,
          dryRun ? 'All' : undefined,
          FIELD_MANAGER,
          force,
          k8s.PatchStrategy.ServerSideApply,
        );
      } catch (error) {
        throw toApiError(
          error,
          `${dryRun ? 'dry-run apply' : 'apply'} of ${label(refOf(object))}`,
          timeoutMs,
        );
      }
    },
    async delete(ref, { dryRun }) {
      try {
        await api.delete(header(ref), undefined, dryRun ? 'All' : undefined);
      } catch (error) {
        throw toApiError(error, `deleting ${label(ref)}`, timeoutMs);
      }
    },
  };
}
