/**
 * What the Loki and Elasticsearch test servers share: listening on 127.0.0.1, a request log
 * (credentials masked), credentials to check and faults to inject.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoggedRequest {
  method: string;
  path: string;
  params: URLSearchParams;
  body: string;
  /** Headers, the Authorization value replaced by its scheme. */
  headers: Record<string, string>;
}

export interface StoreFault {
  /** Which requests it answers: a substring of the path. */
  path?: string;
  status: number;
  retryAfter?: string;
  body?: string;
  /** How many requests it answers (default 1). */
  times?: number;
}

export interface Answer {
  status: number;
  body?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

export abstract class StoreServer {
  private server: Server | undefined;
  url = '';
  readonly requests: LoggedRequest[] = [];
  readonly faults: StoreFault[] = [];
  /** The Authorization header every request must carry; undefined: none needed. */
  authorization: string | undefined;

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  protected abstract handle(request: LoggedRequest): Answer;
  /** The answer to a request without the right credential. */
  protected abstract unauthorized(): Answer;

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers))
      if (typeof value === 'string')
        headers[key] = key === 'authorization' ? (value.split(' ')[0] ?? '') : value;
    const request: LoggedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      params: url.searchParams,
      body: Buffer.concat(chunks).toString('utf8'),
      headers,
    };
    this.requests.push(request);
    let answer: Answer;
    const fault = this.takeFault(request.path);
    if (fault)
      answer = {
        status: fault.status,
        text: fault.body ?? `fault ${fault.status}`,
        headers: fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter },
      };
    else if (this.authorization !== undefined && req.headers.authorization !== this.authorization)
      answer = this.unauthorized();
    else {
      try {
        answer = this.handle(request);
      } catch (error) {
        answer = { status: 500, text: String(error) };
      }
    }
    const body = answer.text ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
    res.writeHead(answer.status, {
      'content-type': answer.text !== undefined ? 'text/plain; charset=utf-8' : 'application/json',
      ...answer.headers,
    });
    res.end(body);
  }

  private takeFault(path: string): StoreFault | undefined {
    const index = this.faults.findIndex((f) => f.path === undefined || path.includes(f.path));
    if (index === -1) return undefined;
    const fault = this.faults[index] as StoreFault;
    const times = (fault.times ?? 1) - 1;
    if (times <= 0) this.faults.splice(index, 1);
    else fault.times = times;
    return fault;
  }
}
