/** seccomp actions as runc and libseccomp name them, and what each does to the calling process. */

export const ACTIONS = [
  'SCMP_ACT_KILL',
  'SCMP_ACT_KILL_PROCESS',
  'SCMP_ACT_KILL_THREAD',
  'SCMP_ACT_TRAP',
  'SCMP_ACT_ERRNO',
  'SCMP_ACT_TRACE',
  'SCMP_ACT_ALLOW',
  'SCMP_ACT_LOG',
  'SCMP_ACT_NOTIFY',
] as const;

export type Action = (typeof ACTIONS)[number];

export function isAction(name: string): name is Action {
  return (ACTIONS as readonly string[]).includes(name);
}

/** Actions that stop the call (or the process): what monitor mode turns into SCMP_ACT_LOG. */
export const BLOCKING_ACTIONS: ReadonlySet<string> = new Set([
  'SCMP_ACT_KILL',
  'SCMP_ACT_KILL_PROCESS',
  'SCMP_ACT_KILL_THREAD',
  'SCMP_ACT_TRAP',
  'SCMP_ACT_ERRNO',
  // Without a tracer attached, the kernel fails the call with ENOSYS.
  'SCMP_ACT_TRACE',
]);

/** Actions that let the call run (SCMP_ACT_NOTIFY hands the decision to a listener). */
export const PERMISSIVE_ACTIONS: ReadonlySet<string> = new Set(['SCMP_ACT_ALLOW', 'SCMP_ACT_LOG']);

/** Actions whose `errnoRet` means something: the errno, or the value a tracer receives. */
export const ERRNO_ACTIONS: ReadonlySet<string> = new Set(['SCMP_ACT_ERRNO', 'SCMP_ACT_TRACE']);

/** errno runc returns for SCMP_ACT_ERRNO without errnoRet. */
export const EPERM = 1;

/** libseccomp's SCMP_ACT_KILL is SCMP_ACT_KILL_THREAD. */
function canonicalAction(action: string): string {
  return action === 'SCMP_ACT_KILL' ? 'SCMP_ACT_KILL_THREAD' : action;
}

/** Whether two actions are the same for the kernel (`SCMP_ACT_KILL` = `SCMP_ACT_KILL_THREAD`). */
export function sameAction(a: string, b: string): boolean {
  return canonicalAction(a) === canonicalAction(b);
}

/**
 * The errno a rule returns (SCMP_ACT_ERRNO) or passes to the tracer (SCMP_ACT_TRACE): errnoRet,
 * else EPERM as runc sets it; none for other actions.
 */
export function effectiveErrno(action: string, errnoRet: number | undefined): number | undefined {
  return ERRNO_ACTIONS.has(action) ? (errnoRet ?? EPERM) : undefined;
}
