// Preloaded (`node -r`) into a command under measurement: prints its peak resident memory on exit.
process.on('exit', () => {
  require('node:fs').writeSync(2, `\nmaxrss-kb ${process.resourceUsage().maxRSS}\n`);
});
