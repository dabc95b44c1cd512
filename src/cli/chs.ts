/** `chs`'s entry point, the bundle's: runs this process's command line. */
import { quietOnBrokenPipe } from './broken-pipe.js';
import { runCli } from './main.js';

quietOnBrokenPipe(process.stdout);
quietOnBrokenPipe(process.stderr);
// Not a top-level await: the bundle that runs this (dist/bundle/program.cjs) is CommonJS.
void runCli(process.argv);
