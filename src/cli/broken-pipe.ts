/**
 * `chs lint --format json | head -c 300`: once the reader has gone, what is left to write is
 * dropped without a word and the run ends with the exit status it would have had (as ESLint, grep
 * and git do), rather than an unhandled EPIPE and a stack trace.
 */
export function quietOnBrokenPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
    throw error;
  });
}
