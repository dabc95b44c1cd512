/** `chs`'s entry point, the bundle's: runs this process's command line. */
import { runCli } from './main.js';

// Not a top-level await: the bundle that runs this (dist/bundle/program.cjs) is CommonJS.
void runCli(process.argv);
