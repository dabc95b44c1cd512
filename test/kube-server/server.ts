/**
 * A small Kubernetes API server for tests: the parts of the real one that chs relies on, with the
 * real one's answers. Discovery (/api, /apis, resource lists, CRDs registered at run time), get,
 * list with label selectors, create, replace, merge patch, server-side apply with managedFields,
 * field managers and 409 conflicts, dryRun=All, resourceVersion, generation, defaulting, delete,
 * namespaces (a namespaced object in a missing namespace is 404 NotFound), and injected faults.
 * Listens on 127.0.0.1 on a random port, over HTTP or, given a key and certificate, HTTPS.
 */
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { load } from 'js-yaml';
import {
  deleteAt,
  displayPath,
  isMap,
  jsonEqual,
  leafPaths,
  mergeApplied,
  toFieldsV1,
  valueAt,
} from './fields.js';
import type { Json, JsonMap, PathKey } from './fields.js';
import { BUILTIN_TYPES, applyDefaults, groupVersion, typesFromCrd } from './resources.js';
import { operatorCrds, seccompStatus } from './security-profiles-operator.js';
import { structural } from './structural.js';
import type { ResourceType } from './resources.js';
import { SelectorError, matches, parseSelector } from './selector.js';
import { textOf } from '../../src/core/text.js';

export interface Owner {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  paths: Set<PathKey>;
}

interface Stored {
  type: ResourceType;
  /** The object without managedFields (rendered from `owners` on the way out). */
  object: JsonMap;
  owners: Owner[];
}

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  dryRun: boolean;
  status: number;
}

export interface Faults {
  /** After this many persisted writes, every further write fails (`mode`). */
  breakAfterWrites?: number;
  /** `reset` drops the connection with no answer; `500` answers InternalError; `hang` never answers. */
  mode?: 'reset' | '500' | 'hang';
  /** Answers these statuses (InternalError for 5xx) to the next requests, any verb, in order. */
  failNext?: number[];
  /**
   * Resources (plurals) the user may not read: any request on them answers 403 Forbidden with
   * RBAC's message, as a service account without `list` on them gets.
   */
  forbidden?: string[];
  /** The next this many list requests that carry a `continue` token answer 410 Expired. */
  expireContinue?: number;
}

export interface KubeServerOptions {
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Bearer token every request must carry; none: no authentication. */
  token?: string;
}

class HttpError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: JsonMap,
  ) {
    super(message);
  }
}

function statusBody(code: number, reason: string, message: string, details?: JsonMap): JsonMap {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: code < 300 ? 'Success' : 'Failure',
    ...(message ? { message } : {}),
    ...(reason ? { reason } : {}),
    ...(details ? { details } : {}),
    code,
  };
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export class KubeServer {
  readonly types: ResourceType[] = [...BUILTIN_TYPES];
  readonly requests: RequestRecord[] = [];
  /** Every list answered: the resource, how many items the page held, whether a token followed. */
  readonly listed: { plural: string; items: number; continued?: boolean }[] = [];
  faults: Faults = {};
  /** Persisted writes so far (dry runs and no-op applies excluded). */
  writes = 0;
  private readonly store = new Map<string, Stored>();
  private resourceVersion = 1000;
  private server?: Server;
  private port = 0;
  private clock = Date.parse('2026-01-01T00:00:00Z');

  constructor(private readonly options: KubeServerOptions = {}) {}

  get url(): string {
    return `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const handler = (req: IncomingMessage, res: ServerResponse): void => void this.handle(req, res);
    this.server = this.options.tls
      ? createHttpsServer({ key: this.options.tls.key, cert: this.options.tls.cert }, handler)
      : createHttpServer(handler);
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** A kubeconfig (YAML) with one cluster, one user and the given contexts, the first current. */
  kubeconfig(contexts: string[] = ['test'], namespace?: string): string {
    const lines = [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '  - name: test-cluster',
      '    cluster:',
      `      server: ${this.url}`,
      // Over TLS the certificate is its own authority; client-node refuses plain HTTP unless TLS
      // verification is off (kubectl's --insecure-skip-tls-verify).
      this.options.tls
        ? `      certificate-authority-data: ${Buffer.from(this.options.tls.cert).toString('base64')}`
        : '      insecure-skip-tls-verify: true',
      'users:',
      '  - name: test-user',
      '    user:',
      `      token: ${this.options.token ?? 'test-token'}`,
      'contexts:',
      ...contexts.flatMap((name) => [
        `  - name: ${JSON.stringify(name)}`,
        '    context:',
        '      cluster: test-cluster',
        '      user: test-user',
        ...(namespace ? [`      namespace: ${namespace}`] : []),
      ]),
      `current-context: ${JSON.stringify(contexts[0] ?? 'test')}`,
      '',
    ];
    return lines.join('\n');
  }

  // ---- direct access for tests (no request, no fault) ----

  /** The stored object as the API would return it, or undefined. */
  get(apiVersion: string, kind: string, name: string, namespace?: string): JsonMap | undefined {
    const type = this.typeByKind(apiVersion, kind);
    if (!type) return undefined;
    const stored = this.store.get(this.key(type, type.namespaced ? namespace : undefined, name));
    return stored ? this.render(stored, type) : undefined;
  }

  /** Every stored object of a kind, as the API would return them. */
  all(apiVersion: string, kind: string): JsonMap[] {
    const type = this.typeByKind(apiVersion, kind);
    if (!type) return [];
    return [...this.store.values()]
      .filter((s) => sameResource(s.type, type))
      .map((s) => this.render(s, type));
  }

  /** Stores an object as `manager` would have created it (an Update), bypassing faults. */
  seed(object: JsonMap, manager = 'kubectl-create'): JsonMap {
    const apiVersion = textOf(object.apiVersion);
    const type = this.typeByKind(apiVersion, textOf(object.kind));
    if (!type) throw new Error(`no such type ${apiVersion} ${textOf(object.kind)}`);
    const metadata = isMap(object.metadata) ? object.metadata : {};
    const namespace = type.namespaced ? textOf(metadata.namespace ?? 'default') : undefined;
    return this.update(
      type,
      namespace,
      textOf(metadata.name),
      structuredClone(object),
      manager,
      'create',
      false,
    );
  }

  /** Installs the Security Profiles Operator's CRDs of a version, as its manifests do. */
  installSecurityProfilesOperator(version: string): void {
    for (const crd of operatorCrds(version)) this.seed(crd, 'kubectl-client-side-apply');
  }

  /**
   * What the operator's controller does after objects were written: each SeccompProfile's status
   * says where it is installed (written through the status subresource, by the operator's manager).
   */
  reconcileSecurityProfilesOperator(): void {
    for (const stored of this.store.values()) {
      if (
        stored.type.group !== 'security-profiles-operator.x-k8s.io' ||
        stored.type.kind !== 'SeccompProfile'
      )
        continue;
      stored.object.status = seccompStatus(stored.object);
    }
  }

  /** Registers a CustomResourceDefinition as `kubectl apply` of one would. */
  registerCrd(spec: {
    group: string;
    version: string;
    kind: string;
    plural: string;
    namespaced: boolean;
  }): void {
    this.seed({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${spec.plural}.${spec.group}` },
      spec: {
        group: spec.group,
        names: {
          kind: spec.kind,
          plural: spec.plural,
          singular: spec.kind.toLowerCase(),
          listKind: `${spec.kind}List`,
        },
        scope: spec.namespaced ? 'Namespaced' : 'Cluster',
        versions: [
          {
            name: spec.version,
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    });
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams.entries());
    const method = req.method ?? 'GET';
    const dryRun = query.dryRun !== undefined;
    const record: RequestRecord = {
      method,
      path: url.pathname,
      query,
      dryRun,
      status: 0,
      ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}),
    };
    this.requests.push(record);
    const send = (status: number, body: Json): void => {
      record.status = status;
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    };
    try {
      const body = await readBody(req);
      const forced = this.faults.failNext?.shift();
      if (forced !== undefined)
        throw new HttpError(
          forced,
          forced >= 500 ? 'InternalError' : 'BadRequest',
          `injected failure (${forced})`,
        );
      if (
        WRITE_METHODS.has(method) &&
        !dryRun &&
        this.faults.breakAfterWrites !== undefined &&
        this.writes >= this.faults.breakAfterWrites
      ) {
        if (this.faults.mode === '500')
          throw new HttpError(
            500,
            'InternalError',
            'Internal error occurred: injected failure after ' + this.writes + ' writes',
          );
        record.status = -1;
        if (this.faults.mode !== 'hang') req.socket.destroy();
        return;
      }
      if (this.options.token !== undefined && req.headers.authorization !== `Bearer ${this.options.token}`) {
        throw new HttpError(401, 'Unauthorized', 'Unauthorized');
      }
      const { status, result } = this.route(
        method,
        url.pathname,
        query,
        body,
        req.headers['content-type'] ?? '',
      );
      send(status, result);
    } catch (error) {
      if (error instanceof HttpError)
        send(error.code, statusBody(error.code, error.reason, error.message, error.details));
      else send(500, statusBody(500, 'InternalError', `Internal error occurred: ${String(error)}`));
    }
  }

  private route(
    method: string,
    path: string,
    query: Record<string, string>,
    body: string,
    contentType: string,
  ): { status: number; result: Json } {
    const parts = path
      .split('/')
      .filter((p) => p !== '')
      .map(decodeURIComponent);
    if (method === 'GET' && parts.length === 1 && parts[0] === 'api') {
      return {
        status: 200,
        result: {
          kind: 'APIVersions',
          versions: ['v1'],
          serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${this.port}` }],
        },
      };
    }
    if (method === 'GET' && parts.length === 1 && parts[0] === 'apis')
      return { status: 200, result: this.groupList() };
    let group: string;
    let version: string;
    let rest: string[];
    if (parts[0] === 'api' && parts.length >= 2) {
      group = '';
      version = parts[1] as string;
      rest = parts.slice(2);
    } else if (parts[0] === 'apis' && parts.length >= 3) {
      group = parts[1] as string;
      version = parts[2] as string;
      rest = parts.slice(3);
    } else if (parts[0] === 'apis' && parts.length === 2) {
      const g = this.groupList().groups as JsonMap[];
      const found = g.find((x) => x.name === parts[1]);
      if (!found) throw new HttpError(404, 'NotFound', 'the server could not find the requested resource');
      return { status: 200, result: { kind: 'APIGroup', apiVersion: 'v1', ...found } };
    } else if (parts[0] === 'version') {
      return { status: 200, result: { major: '1', minor: '31', gitVersion: 'v1.31.0-chs-test' } };
    } else throw new HttpError(404, 'NotFound', 'the server could not find the requested resource');
    const served = this.types.filter((t) => t.group === group && t.version === version);
    if (served.length === 0)
      throw new HttpError(404, 'NotFound', 'the server could not find the requested resource');
    if (rest.length === 0) {
      if (method !== 'GET')
        throw new HttpError(
          405,
          'MethodNotAllowed',
          `the server does not allow this method on the requested resource`,
        );
      return { status: 200, result: this.resourceList(group, version, served) };
    }
    let namespace: string | undefined;
    let plural: string;
    let name: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      plural = rest[2] as string;
      name = rest[3];
      if (rest.length > 4)
        throw new HttpError(404, 'NotFound', 'the server could not find the requested resource');
    } else {
      plural = rest[0] as string;
      name = rest[1];
      if (rest.length > 2)
        throw new HttpError(404, 'NotFound', 'the server could not find the requested resource');
    }
    const type = served.find((t) => t.plural === plural);
    if (!type) throw new HttpError(404, 'NotFound', 'the server could not find the requested resource');
    if (this.faults.forbidden?.includes(plural)) {
      const verb = name !== undefined ? 'get' : method === 'GET' ? 'list' : method.toLowerCase();
      const scope = namespace === undefined ? 'at the cluster scope' : `in the namespace "${namespace}"`;
      throw new HttpError(
        403,
        'Forbidden',
        `${plural}${group ? `.${group}` : ''} is forbidden: User "system:serviceaccount:gitlab-agent:chs-preview" cannot ${verb} resource "${plural}" in API group "${group}" ${scope}`,
        { kind: plural, ...(group ? { group } : {}) },
      );
    }
    if (!type.namespaced && namespace !== undefined)
      throw new HttpError(404, 'NotFound', 'the server could not find the requested resource');
    const dryRun = query.dryRun;
    if (dryRun !== undefined && dryRun !== 'All')
      throw new HttpError(400, 'BadRequest', `Invalid dry run value: ${dryRun}; supported: All`);
    if (name === undefined) {
      if (method === 'GET') return { status: 200, result: this.list(type, namespace, query) };
      if (method === 'POST') {
        if (type.namespaced && namespace === undefined)
          throw new HttpError(
            405,
            'MethodNotAllowed',
            'the server does not allow this method on the requested resource',
          );
        const object = parseObject(body, contentType);
        const metadata = isMap(object.metadata) ? object.metadata : {};
        if (typeof metadata.name !== 'string' || metadata.name === '')
          throw new HttpError(
            422,
            'Invalid',
            `${type.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
          );
        this.checkBody(type, object, namespace, metadata.name);
        this.checkNamespace(type, namespace);
        if (this.store.has(this.key(type, namespace, metadata.name))) {
          throw new HttpError(
            409,
            'AlreadyExists',
            `${type.plural}${groupSuffix(type)} "${metadata.name}" already exists`,
            { name: metadata.name, group: type.group, kind: type.plural },
          );
        }
        const created = this.update(
          type,
          namespace,
          metadata.name,
          object,
          query.fieldManager ?? 'kube-server-test',
          'create',
          dryRun !== undefined,
        );
        return { status: 201, result: created };
      }
      throw new HttpError(
        405,
        'MethodNotAllowed',
        'the server does not allow this method on the requested resource',
      );
    }
    if (type.namespaced && namespace === undefined)
      throw new HttpError(404, 'NotFound', 'the server could not find the requested resource');
    const key = this.key(type, namespace, name);
    switch (method) {
      case 'GET': {
        const stored = this.store.get(key);
        if (!stored) throw notFound(type, name);
        return { status: 200, result: this.render(stored, type) };
      }
      case 'DELETE': {
        const stored = this.store.get(key);
        if (!stored) throw notFound(type, name);
        if (dryRun === undefined) this.remove(key, stored);
        return {
          status: 200,
          result: statusBody(200, '', '', {
            name,
            group: type.group,
            kind: type.plural,
            uid: textOf((stored.object.metadata as JsonMap).uid),
          }),
        };
      }
      case 'PUT': {
        const object = parseObject(body, contentType);
        this.checkBody(type, object, namespace, name);
        this.checkNamespace(type, namespace);
        const stored = this.store.get(key);
        if (!stored) throw notFound(type, name);
        const rv = (object.metadata as JsonMap | undefined)?.resourceVersion;
        if (rv !== undefined && rv !== (stored.object.metadata as JsonMap).resourceVersion) {
          throw new HttpError(
            409,
            'Conflict',
            `Operation cannot be fulfilled on ${type.plural}${groupSuffix(type)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
            { name, group: type.group, kind: type.plural },
          );
        }
        return {
          status: 200,
          result: this.update(
            type,
            namespace,
            name,
            object,
            query.fieldManager ?? 'kube-server-test',
            'replace',
            dryRun !== undefined,
          ),
        };
      }
      case 'PATCH': {
        const media = contentType.split(';')[0]?.trim() ?? '';
        if (media === 'application/apply-patch+yaml') {
          const object = parseObject(body, contentType);
          this.checkBody(type, object, namespace, name);
          this.checkNamespace(type, namespace);
          const manager = query.fieldManager;
          if (!manager)
            throw new HttpError(400, 'BadRequest', 'PATCH, fieldManager is required for apply requests');
          if (query.force !== undefined && query.force !== 'true' && query.force !== 'false')
            throw new HttpError(400, 'BadRequest', `invalid force value: ${query.force}`);
          return this.apply(
            type,
            namespace,
            name,
            object,
            manager,
            query.force === 'true',
            dryRun !== undefined,
          );
        }
        if (media === 'application/merge-patch+json' || media === 'application/strategic-merge-patch+json') {
          const patch = parseObject(body, 'application/json');
          this.checkNamespace(type, namespace);
          const stored = this.store.get(key);
          if (!stored) throw notFound(type, name);
          const merged = mergePatch(structuredClone(stored.object), patch) as JsonMap;
          return {
            status: 200,
            result: this.update(
              type,
              namespace,
              name,
              merged,
              query.fieldManager ?? 'kube-server-test',
              'replace',
              dryRun !== undefined,
            ),
          };
        }
        throw new HttpError(
          415,
          'UnsupportedMediaType',
          // JSON patch is real but unused by chs: this server answers as for an unknown format.
          `the body of the request was in an unknown format - accepted media types include: application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
        );
      }
      default:
        throw new HttpError(
          405,
          'MethodNotAllowed',
          'the server does not allow this method on the requested resource',
        );
    }
  }

  private groupList(): JsonMap {
    const groups = new Map<string, string[]>();
    for (const t of this.types) {
      if (t.group === '') continue;
      const versions = groups.get(t.group) ?? [];
      if (!versions.includes(t.version)) versions.push(t.version);
      groups.set(t.group, versions);
    }
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [...groups.entries()].map(([name, versions]) => ({
        name,
        versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
        preferredVersion: {
          groupVersion: `${name}/${versions[0] as string}`,
          version: versions[0] as string,
        },
      })),
    };
  }

  private resourceList(group: string, version: string, served: ResourceType[]): JsonMap {
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: group === '' ? version : `${group}/${version}`,
      resources: served.map((t) => ({
        name: t.plural,
        singularName: t.singular,
        namespaced: t.namespaced,
        kind: t.kind,
        verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
        storageVersionHash: t.plural.slice(0, 8),
      })),
    };
  }

  private list(type: ResourceType, namespace: string | undefined, query: Record<string, string>): JsonMap {
    let requirements;
    try {
      requirements = parseSelector(query.labelSelector ?? '');
    } catch (error) {
      if (error instanceof SelectorError)
        throw new HttpError(400, 'BadRequest', `unable to parse requirement: ${error.message}`);
      throw error;
    }
    const fields = (query.fieldSelector ?? '')
      .split(',')
      .filter((f) => f !== '')
      .map((f) => {
        const m = /^(metadata\.name|metadata\.namespace)(==|=|!=)(.*)$/.exec(f);
        if (!m)
          throw new HttpError(
            400,
            'BadRequest',
            `"${f}" is not a known field selector: only "metadata.name", "metadata.namespace"`,
          );
        return { field: m[1] === 'metadata.name' ? 'name' : 'namespace', negate: m[2] === '!=', value: m[3] };
      });
    const selected = [...this.store.values()]
      .filter((s) => sameResource(s.type, type))
      .filter((s) => {
        const metadata = s.object.metadata as JsonMap;
        if (namespace !== undefined && metadata.namespace !== namespace) return false;
        const labels = (isMap(metadata.labels) ? metadata.labels : {}) as Record<string, string>;
        if (!matches(requirements, labels)) return false;
        return fields.every((f) => (metadata[f.field] === f.value) !== f.negate);
      })
      .sort((a, b) => this.sortKey(a).localeCompare(this.sortKey(b)));
    // List chunking as the API server does it: `limit` items at most, and a `continue` token
    // (opaque to clients) naming the last key served and the resourceVersion of the first page.
    // A token older than the last write answers 410 Gone (ResourceExpired), as one whose etcd
    // revision was compacted does.
    let from = 0;
    let listVersion = this.resourceVersion;
    if (query.continue !== undefined && query.continue !== '') {
      let token: { rv?: unknown; after?: unknown };
      try {
        token = JSON.parse(Buffer.from(query.continue, 'base64url').toString('utf8')) as typeof token;
      } catch {
        throw new HttpError(400, 'BadRequest', 'continue key is not valid: illegal base64 data');
      }
      if (typeof token.rv !== 'number' || typeof token.after !== 'string')
        throw new HttpError(
          400,
          'BadRequest',
          'continue key is not valid: incorrect encoded start resourceVersion',
        );
      const expire = (this.faults.expireContinue ?? 0) > 0;
      if (expire) this.faults.expireContinue = (this.faults.expireContinue ?? 0) - 1;
      if (expire || token.rv !== this.resourceVersion)
        throw new HttpError(
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
        );
      const after = token.after;
      from = selected.findIndex((s) => this.sortKey(s) > after);
      if (from === -1) from = selected.length;
      listVersion = token.rv;
    }
    const limit = query.limit === undefined ? 0 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 0)
      throw new HttpError(400, 'BadRequest', `invalid limit: ${query.limit ?? ''}`);
    const page = limit > 0 ? selected.slice(from, from + limit) : selected.slice(from);
    const last = page[page.length - 1];
    const more = limit > 0 && from + page.length < selected.length && last !== undefined;
    this.listed.push({ plural: type.plural, items: page.length, ...(more ? { continued: true } : {}) });
    const items = page.map((s) => {
      const rendered = this.render(s, type);
      if (!type.custom) {
        delete rendered.apiVersion;
        delete rendered.kind;
      }
      return rendered;
    });
    const metadata: JsonMap = { resourceVersion: String(listVersion) };
    if (more) {
      metadata.continue = Buffer.from(
        JSON.stringify({ rv: listVersion, after: this.sortKey(last) }),
      ).toString('base64url');
      metadata.remainingItemCount = selected.length - from - page.length;
    }
    return { kind: `${type.kind}List`, apiVersion: groupVersion(type), metadata, items };
  }

  private sortKey(s: Stored): string {
    const metadata = s.object.metadata as JsonMap;
    return `${textOf(metadata.namespace ?? '')}/${textOf(metadata.name)}`;
  }

  private checkBody(type: ResourceType, object: JsonMap, namespace: string | undefined, name: string): void {
    if (object.apiVersion !== groupVersion(type) || object.kind !== type.kind) {
      throw new HttpError(
        400,
        'BadRequest',
        `the API version in the data (${textOf(object.apiVersion)}) and kind (${textOf(object.kind)}) do not match the request (${groupVersion(type)} ${type.kind})`,
      );
    }
    const metadata = isMap(object.metadata) ? object.metadata : (object.metadata = {});
    if (metadata.name !== undefined && metadata.name !== name) {
      throw new HttpError(
        400,
        'BadRequest',
        `the name of the object (${textOf(metadata.name)}) does not match the name on the URL (${name})`,
      );
    }
    if (type.namespaced && metadata.namespace !== undefined && metadata.namespace !== namespace) {
      throw new HttpError(
        400,
        'BadRequest',
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    metadata.name = name;
    if (type.namespaced && namespace !== undefined) metadata.namespace = namespace;
    const labels = metadata.labels;
    if (labels !== undefined) {
      if (!isMap(labels))
        throw new HttpError(
          422,
          'Invalid',
          `${type.kind} "${name}" is invalid: metadata.labels: Invalid value: must be a map of strings`,
        );
      for (const [k, v] of Object.entries(labels)) {
        if (
          typeof v !== 'string' ||
          v.length > 63 ||
          !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v)
        ) {
          throw new HttpError(
            422,
            'Invalid',
            `${type.kind} "${name}" is invalid: metadata.labels: Invalid value: "${textOf(v)}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
            {
              name,
              group: type.group,
              kind: type.kind,
              causes: [
                {
                  reason: 'FieldValueInvalid',
                  message: `Invalid value: "${textOf(v)}"`,
                  field: `metadata.labels.${k}`,
                },
              ],
            },
          );
        }
      }
    }
    if (type.kind === 'ConfigMap' && isMap(object.data)) {
      for (const [k, v] of Object.entries(object.data)) {
        if (!/^[-._a-zA-Z0-9]+$/.test(k) || typeof v !== 'string') {
          throw new HttpError(
            422,
            'Invalid',
            `ConfigMap "${name}" is invalid: data[${k}]: Invalid value: "${k}": a valid config key must consist of alphanumeric characters, '-', '_' or '.'`,
          );
        }
      }
    }
  }

  private checkNamespace(type: ResourceType, namespace: string | undefined): void {
    if (!type.namespaced || namespace === undefined) return;
    const nsType = this.types.find((t) => t.kind === 'Namespace') as ResourceType;
    if (!this.store.has(this.key(nsType, undefined, namespace))) {
      throw new HttpError(404, 'NotFound', `namespaces "${namespace}" not found`, {
        name: namespace,
        kind: 'namespaces',
      });
    }
  }

  /** Server-side apply. */
  private apply(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    config: JsonMap,
    manager: string,
    force: boolean,
    dryRun: boolean,
  ): { status: number; result: Json } {
    const key = this.key(type, namespace, name);
    const existing = this.store.get(key);
    const configPaths = leafPaths(config);
    const apiVersion = groupVersion(type);
    if (!existing) {
      const owners: Owner[] = [
        { manager, operation: 'Apply', apiVersion, time: this.now(), paths: configPaths },
      ];
      const object = mergeApplied(undefined, config) as JsonMap;
      return { status: 201, result: this.persist(type, namespace, name, undefined, object, owners, dryRun) };
    }
    const owners = existing.owners.map((o) => ({ ...o, paths: new Set(o.paths) }));
    const conflicts = new Map<string, string[]>();
    for (const pathKey of configPaths) {
      const path = JSON.parse(pathKey) as string[];
      if (path[path.length - 1] === '.') continue;
      if (jsonEqual(valueAt(existing.object, path), valueAt(config, path))) continue;
      for (const owner of owners) {
        if (owner.manager === manager || !owner.paths.has(pathKey)) continue;
        if (force) owner.paths.delete(pathKey);
        else conflicts.set(owner.manager, [...(conflicts.get(owner.manager) ?? []), displayPath(path)]);
      }
    }
    if (conflicts.size > 0) throw conflictError(type, name, apiVersion, conflicts);
    let mine = owners.find((o) => o.manager === manager && o.operation === 'Apply');
    const previous = mine?.paths ?? new Set<PathKey>();
    const object = structuredClone(existing.object);
    for (const pathKey of previous) {
      if (configPaths.has(pathKey)) continue;
      if (owners.some((o) => o !== mine && o.paths.has(pathKey))) continue;
      deleteAt(object, JSON.parse(pathKey) as string[]);
    }
    const merged = mergeApplied(object, config) as JsonMap;
    if (!mine) {
      mine = { manager, operation: 'Apply', apiVersion, time: this.now(), paths: configPaths };
      owners.push(mine);
    } else mine.paths = configPaths;
    return {
      status: 200,
      result: this.persist(
        type,
        namespace,
        name,
        existing,
        merged,
        owners.filter((o) => o.paths.size > 0),
        dryRun,
      ),
    };
  }

  /** Create, replace and merge patch: an Update, whose manager takes the fields it changed. */
  private update(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    object: JsonMap,
    manager: string,
    verb: 'create' | 'replace',
    dryRun: boolean,
  ): JsonMap {
    const existing = verb === 'replace' ? this.store.get(this.key(type, namespace, name)) : undefined;
    const before = existing ? leafPaths(existing.object) : new Set<PathKey>();
    const after = leafPaths(object);
    const owners = (existing?.owners ?? []).map((o) => ({ ...o, paths: new Set(o.paths) }));
    const changed = new Set<PathKey>();
    for (const pathKey of after) {
      const path = JSON.parse(pathKey) as string[];
      if (!before.has(pathKey) || !jsonEqual(valueAt(existing?.object ?? {}, path), valueAt(object, path)))
        changed.add(pathKey);
    }
    for (const owner of owners) {
      for (const pathKey of [...owner.paths])
        if (!after.has(pathKey) || (changed.has(pathKey) && owner.manager !== manager))
          owner.paths.delete(pathKey);
    }
    if (changed.size > 0) {
      let mine = owners.find((o) => o.manager === manager && o.operation === 'Update');
      if (!mine) {
        mine = {
          manager,
          operation: 'Update',
          apiVersion: groupVersion(type),
          time: this.now(),
          paths: new Set(),
        };
        owners.push(mine);
      }
      for (const pathKey of changed) mine.paths.add(pathKey);
    }
    return this.persist(
      type,
      namespace,
      name,
      existing,
      object,
      owners.filter((o) => o.paths.size > 0),
      dryRun,
    );
  }

  /** Defaults, metadata, generation and resourceVersion; stores unless dry-run or unchanged. */
  private persist(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    existing: Stored | undefined,
    object: JsonMap,
    owners: Owner[],
    dryRun: boolean,
  ): JsonMap {
    object.apiVersion = groupVersion(type);
    object.kind = type.kind;
    const metadata = isMap(object.metadata) ? object.metadata : (object.metadata = {});
    delete metadata.managedFields;
    metadata.name = name;
    if (namespace !== undefined) metadata.namespace = namespace;
    const old = existing?.object.metadata as JsonMap | undefined;
    for (const serverField of ['uid', 'creationTimestamp', 'resourceVersion', 'generation']) {
      if (old && old[serverField] !== undefined) metadata[serverField] = old[serverField];
      else delete metadata[serverField];
    }
    if (existing && existing.object.status !== undefined)
      object.status = structuredClone(existing.object.status);
    if (type.schema) {
      const causes = structural(object, type.schema);
      if (causes.length > 0)
        throw new HttpError(
          422,
          'Invalid',
          `${type.kind}.${type.group} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`,
          { name, group: type.group, kind: type.kind, causes },
        );
    }
    applyDefaults(type, object);
    const sameOwners =
      existing !== undefined &&
      existing.owners.length === owners.length &&
      existing.owners.every((o, i) => {
        const n = owners[i] as Owner;
        return (
          o.manager === n.manager &&
          o.operation === n.operation &&
          o.paths.size === n.paths.size &&
          [...o.paths].every((p) => n.paths.has(p))
        );
      });
    if (existing && sameOwners && jsonEqual(existing.object, object)) return this.render(existing);
    const stored: Stored = {
      type,
      object,
      owners: owners.map((o) => {
        const was = existing?.owners.find((e) => e.manager === o.manager && e.operation === o.operation);
        const same =
          was !== undefined && was.paths.size === o.paths.size && [...was.paths].every((p) => o.paths.has(p));
        return same && jsonEqual(existing?.object ?? null, object) ? was : { ...o, time: this.now() };
      }),
    };
    if (!existing) {
      metadata.uid = randomUUID();
      metadata.creationTimestamp = this.now();
      if (type.hasGeneration) metadata.generation = 1;
    } else if (type.hasGeneration && !jsonEqual(withoutMeta(existing.object), withoutMeta(object))) {
      metadata.generation = Number(old?.generation ?? 0) + 1;
    }
    if (dryRun) return this.render(stored);
    this.resourceVersion++;
    this.writes++;
    metadata.resourceVersion = String(this.resourceVersion);
    this.store.set(this.key(type, namespace, name), stored);
    if (type.kind === 'CustomResourceDefinition') this.register(object);
    return this.render(stored);
  }

  private register(crd: JsonMap): void {
    const types = typesFromCrd(crd);
    const first = types[0];
    if (!first) return;
    const kept = this.types.filter((t) => !(t.group === first.group && t.plural === first.plural));
    this.types.splice(0, this.types.length, ...kept, ...types);
  }

  private remove(key: string, stored: Stored): void {
    this.store.delete(key);
    this.resourceVersion++;
    this.writes++;
    const metadata = stored.object.metadata as JsonMap;
    if (stored.type.kind === 'Namespace') {
      for (const [k, s] of [...this.store.entries()])
        if ((s.object.metadata as JsonMap).namespace === metadata.name) this.store.delete(k);
    }
    if (stored.type.kind === 'CustomResourceDefinition') {
      const first = typesFromCrd(stored.object)[0];
      if (!first) return;
      const gone = (t: ResourceType): boolean =>
        t.custom === true && t.group === first.group && t.plural === first.plural;
      for (const [k, s] of [...this.store.entries()]) if (gone(s.type)) this.store.delete(k);
      const kept = this.types.filter((t) => !gone(t));
      this.types.splice(0, this.types.length, ...kept);
    }
  }

  /** The object as the API returns it, in the version asked for (a CRD's versions share storage). */
  private render(stored: Stored, as: ResourceType = stored.type): JsonMap {
    const out = structuredClone(stored.object);
    if (as !== stored.type) out.apiVersion = groupVersion(as);
    const metadata = out.metadata as JsonMap;
    metadata.managedFields = stored.owners.map((o) => ({
      manager: o.manager,
      operation: o.operation,
      apiVersion: o.apiVersion,
      time: o.time,
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(o.paths),
    }));
    return out;
  }

  private typeByKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.types.find((t) => groupVersion(t) === apiVersion && t.kind === kind);
  }

  private key(type: ResourceType, namespace: string | undefined, name: string): string {
    return `${type.group}/${type.plural}/${namespace ?? ''}/${name}`;
  }

  private now(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
}

/** Two versions of one resource (a CustomResourceDefinition's served versions). */
function sameResource(a: ResourceType, b: ResourceType): boolean {
  return a === b || (a.group === b.group && a.plural === b.plural);
}

function withoutMeta(object: JsonMap): JsonMap {
  const { metadata: _m, status: _s, ...rest } = object;
  return rest;
}

function groupSuffix(type: ResourceType): string {
  return type.group === '' ? '' : `.${type.group}`;
}

function notFound(type: ResourceType, name: string): HttpError {
  return new HttpError(404, 'NotFound', `${type.plural}${groupSuffix(type)} "${name}" not found`, {
    name,
    group: type.group,
    kind: type.plural,
  });
}

function conflictError(
  type: ResourceType,
  name: string,
  apiVersion: string,
  conflicts: Map<string, string[]>,
): HttpError {
  const causes: JsonMap[] = [];
  const pieces: string[] = [];
  let total = 0;
  for (const [manager, fields] of conflicts) {
    total += fields.length;
    for (const field of fields)
      causes.push({
        reason: 'FieldManagerConflict',
        message: `conflict with "${manager}" using ${apiVersion}`,
        field,
      });
    pieces.push(
      fields.length === 1
        ? `conflict with "${manager}" using ${apiVersion}: ${fields[0] as string}`
        : `conflicts with "${manager}" using ${apiVersion}:\n${fields.map((f) => `- ${f}`).join('\n')}`,
    );
  }
  const message = `Apply failed with ${total} conflict${total === 1 ? '' : 's'}: ${pieces.join('\n')}`;
  return new HttpError(409, 'Conflict', message, { name, group: type.group, kind: type.plural, causes });
}

function parseObject(body: string, contentType: string): JsonMap {
  let value: unknown;
  try {
    value = contentType.includes('yaml') ? load(body) : JSON.parse(body);
  } catch (error) {
    throw new HttpError(
      400,
      'BadRequest',
      `error decoding ${contentType.includes('yaml') ? 'YAML' : 'JSON'}: ${String(error)}`,
    );
  }
  if (!isMap(value)) throw new HttpError(400, 'BadRequest', 'the body of the request must be an object');
  return value;
}

/** JSON merge patch (RFC 7386). */
function mergePatch(target: Json, patch: Json): Json {
  if (!isMap(patch)) return patch;
  const out: JsonMap = isMap(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key] ?? null, value);
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 3 * 1024 * 1024)
      throw new HttpError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startKubeServer(options: KubeServerOptions = {}): Promise<KubeServer> {
  return new KubeServer(options).start();
}
