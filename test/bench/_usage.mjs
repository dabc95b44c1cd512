// Preloaded (`node --import`) into a benchmarked child process: at exit it prints its own CPU time
// (user + system, every thread, in ms) and peak resident set size (KiB) on standard error.
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(
    `chs-bench-usage ${JSON.stringify({ cpu: (user + system) / 1000, maxRSS: process.resourceUsage().maxRSS })}\n`,
  );
});
