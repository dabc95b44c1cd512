// Loaded with `node --import`: prints every package a process loads, one `loaded: NAME` line on
// stderr, so that a test can prove which commands load the Kubernetes and GitLab clients. Packages
// come in two ways: `import` (seen by a resolve hook) and `require`, which the bundled CLI uses for
// everything, ES-module-only packages included (seen by wrapping CommonJS resolution).
import Module, { register } from 'node:module';

const seen = new Set();
const note = (path) => {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (match && !seen.has(match[1])) {
    seen.add(match[1]);
    process.stderr.write(`loaded: ${match[1]}\n`);
  }
};
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (...args) {
  const resolved = resolveFilename.apply(this, args);
  note(resolved);
  return resolved;
};

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
