// Loaded with `node --import`: prints every package a process loads, one `loaded: NAME` line on
// stderr, so that a test can prove which commands load the Kubernetes and GitLab clients.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
      const seen = new Set();
      export async function resolve(specifier, context, next) {
        const result = await next(specifier, context);
        const match = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(result.url);
        if (match && !seen.has(match[1])) { seen.add(match[1]); process.stderr.write('loaded: ' + match[1] + '\\n'); }
        return result;
      }`),
);
