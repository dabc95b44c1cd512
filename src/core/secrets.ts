/**
 * No secret leaves the job. The values of its secret variables (the tokens chs reads, GitLab's
 * job credentials, the credential variables chs.yaml names, and any variable whose name says it
 * holds one) are replaced by `[masked]` in everything chs writes: standard output and error (the
 * job log), artifacts, merge request notes and issues, wherever the value came from (a finding
 * that quotes a file, an error message, a server's answer). One process-wide set, filled as chs
 * learns the names, and one function every writer goes through.
 */
const MASKED = '[masked]';

/**
 * GitLab masks values of 8 characters or more; shorter ones would mask ordinary words (and a
 * credential that short is no credential).
 */
const MIN_LENGTH = 8;

/** Variables that hold credentials in a GitLab job, or that chs reads as one. */
const SECRET_VARIABLES: readonly string[] = [
  'CHS_GITLAB_TOKEN',
  'CI_JOB_TOKEN',
  'CI_BUILD_TOKEN',
  'CI_JOB_JWT',
  'CI_JOB_JWT_V1',
  'CI_JOB_JWT_V2',
  'CI_REGISTRY_PASSWORD',
  'CI_DEPLOY_PASSWORD',
  'CI_DEPENDENCY_PROXY_PASSWORD',
  'GITLAB_TOKEN',
];

/** A name that says its variable holds a credential (`LOKI_TOKEN`, `ES_API_KEY`, `DB_PASSWORD`). */
const SECRET_NAME =
  /(?:^|_)(?:TOKEN|PASSWORD|PASSWD|PASS|SECRET|API_?KEY|APIKEY|PRIVATE_KEY|CREDENTIALS?|AUTH)(?:_|$)/i;

export function looksSecret(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** The forms a value takes in what chs writes: as is, JSON-escaped, URL-encoded. */
function formsOf(value: string): string[] {
  const forms = new Set([value, JSON.stringify(value).slice(1, -1)]);
  try {
    forms.add(encodeURIComponent(value));
  } catch {
    // A lone surrogate cannot be URL-encoded: it is masked as is.
  }
  return [...forms];
}

export class SecretMask {
  /** Longest first, so that a secret containing another is masked whole. */
  private values: string[] = [];

  add(values: Iterable<string | undefined>): void {
    const all = new Set(this.values);
    for (const value of values) {
      const trimmed = value?.trim();
      if (trimmed === undefined || trimmed.length < MIN_LENGTH) continue;
      for (const form of formsOf(trimmed)) all.add(form);
      if (trimmed !== value && value !== undefined) all.add(value);
    }
    this.values = [...all].sort((a, b) => b.length - a.length);
  }

  /** Adds the values of the named variables, the known ones and those whose names say secret. */
  addVariables(env: Readonly<Record<string, string | undefined>>, names: Iterable<string> = []): void {
    const wanted = new Set([...SECRET_VARIABLES, ...names]);
    for (const name of Object.keys(env)) if (looksSecret(name)) wanted.add(name);
    this.add([...wanted].map((name) => env[name]));
  }

  get size(): number {
    return this.values.length;
  }

  mask(text: string): string {
    let out = text;
    for (const value of this.values) if (out.includes(value)) out = out.split(value).join(MASKED);
    return out;
  }

  /** Every string in a value (a report, before it is formatted and escaped), masked. */
  maskDeep<T>(value: T): T {
    if (this.values.length === 0) return value;
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.mask(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value instanceof Map) return new Map([...value].map(([k, v]) => [this.walk(k), this.walk(v)]));
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.walk(v);
      return out;
    }
    return value;
  }
}

/** The process's secrets: what every writer masks. */
export const secrets = new SecretMask();

export function maskSecrets(text: string): string {
  return secrets.mask(text);
}

/**
 * Registers the secret variables of the environment, with the credential variables a
 * configuration names (`gitlab.tokenVariable`, `tokenEnv`, `apiKeyEnv`, `passwordEnv`...).
 */
export function protectVariables(
  env: Readonly<Record<string, string | undefined>>,
  names: Iterable<string> = [],
): void {
  secrets.addVariables(env, names);
}

/**
 * The variable names a configuration value names as credentials: every string under a key that
 * ends in `Env` (`tokenEnv`, `apiKeyEnv`, `userEnv`, `passwordEnv`), at any depth, and
 * `tokenVariable`.
 */
export function credentialVariables(value: unknown): string[] {
  const out: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === 'object')
      for (const [key, child] of Object.entries(node)) {
        if (typeof child === 'string' && (/Env$/.test(key) || key === 'tokenVariable')) out.push(child);
        else visit(child);
      }
  };
  visit(value);
  return out;
}

/**
 * Standard output and error of the process mask every secret: the job log is read by everyone
 * who can see the pipeline. Installed once by the command line, before any command runs.
 */
export function maskProcessOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    const marked = stream as NodeJS.WriteStream & { chsMasked?: boolean };
    if (marked.chsMasked) continue;
    marked.chsMasked = true;
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]): boolean => {
      if (secrets.size === 0) return write(chunk, ...rest);
      if (typeof chunk === 'string') return write(secrets.mask(chunk), ...rest);
      if (chunk instanceof Uint8Array)
        return write(secrets.mask(Buffer.from(chunk).toString('utf8')), ...rest);
      return write(chunk, ...rest);
    });
  }
}
