/**
 * Monitor mode: the profile as it is deployed when its mode is `monitor`. Every blocking action
 * (kill, trap, errno, trace) becomes SCMP_ACT_LOG, so the kernel logs the calls the profile would
 * have stopped and lets them run; the errno keys, meaningless for SCMP_ACT_LOG, go with them.
 */
import { BLOCKING_ACTIONS } from './actions.js';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Pure: returns a new profile and leaves the given one untouched. */
export function toMonitorMode(profile: Readonly<Json>): Json {
  const out: Json = structuredClone(profile);
  if (typeof out.defaultAction === 'string' && BLOCKING_ACTIONS.has(out.defaultAction)) {
    out.defaultAction = 'SCMP_ACT_LOG';
    delete out.defaultErrnoRet;
  }
  if (Array.isArray(out.syscalls)) {
    for (const entry of out.syscalls as unknown[]) {
      if (isObject(entry) && typeof entry.action === 'string' && BLOCKING_ACTIONS.has(entry.action)) {
        entry.action = 'SCMP_ACT_LOG';
        delete entry.errnoRet;
      }
    }
  }
  return out;
}

/** The profile without chs's own `x-chs` hints, as a runtime should receive it. */
export function forRuntime(profile: Readonly<Json>): Json {
  const out: Json = structuredClone(profile);
  delete out['x-chs'];
  return out;
}
