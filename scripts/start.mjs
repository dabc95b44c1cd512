// `npm start`: what a user of the example repository sees. The lint of examples/, then the impact
// preview of its merge request (examples/ is the head, examples/base/ the base), with the
// recorded events and the cluster snapshot that come with it.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/bundle/chs.cjs', import.meta.url));
const run = (title, args) => {
  process.stdout.write(`\n$ chs ${args.join(' ')}\n`);
  const result = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
  if (result.error) throw result.error;
  process.stdout.write(`(${title}: exit ${result.status})\n`);
  return result.status ?? 2;
};

const lint = run('lint', ['-C', 'examples', 'lint']);
const preview = run('preview', [
  '-C',
  'examples',
  'preview',
  '--base-dir',
  'base',
  '--events',
  'events/shop.jsonl',
  '--events',
  'events/shop-2026-11-23.jsonl',
  '--snapshot',
  'cluster/snapshot.yaml',
  '--out',
  '../dist/chs-preview.md',
]);
// The preview's exit 1 says "this change blocks workloads": the example is made to show that.
process.exitCode = lint === 2 || preview === 2 ? 2 : 0;
