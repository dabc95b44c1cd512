/**
 * A snapshot file read beside the rest of the preview. Reading a large cluster's snapshot (150,000
 * pods, half a gigabyte) is the preview's longest step, and it needs nothing the rest computes:
 * a worker thread reads it on the second core while the main thread loads the policies and streams
 * the events (the sections hold back what needs the workloads: `HeldBack`). The worker posts the
 * objects workloads stand on in batches as it reads them, then the workloads as plain data
 * (`WorkloadsState`, with stand-ins for those objects), or the file's first problem.
 *
 * The worker is the built `snapshot-worker` beside this module (the bundle's `.cjs`, tsc's `.js`).
 * Where there is none (the TypeScript sources, as the unit tests run them), where the process may
 * run on one core only (the two threads would share it, and posting the objects costs more than it
 * saves), for a file under 4 MiB, or with `CHS_SNAPSHOT_WORKER=0`, the file is read on the main
 * thread by the same function, before the promise is returned.
 */
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { UserError } from '../core/errors.js';
import { readSnapshotFile } from '../kube/snapshot.js';
import type { SnapshotProblem } from '../kube/snapshot.js';
import { WorkloadsBuilder, workloadsFrom } from './cluster.js';
import type { ClusterObject, ClusterState, WorkloadsState } from './cluster.js';

/** What a read gives: the workloads, or the first problem and how many there were. */
export type SnapshotRead =
  { ok: true; state: WorkloadsState } | { ok: false; problem: SnapshotProblem; count: number };

/** Objects a worker posts together: few enough that the main thread takes each batch in a moment. */
const OBJECTS_PER_MESSAGE = 256;

/** An object posted apart (`WorkerMessage.objects`), by its place among them. */
interface StandIn {
  posted: number;
}

/**
 * Reads a snapshot file into workloads, in the thread that calls it. `post`: where the objects
 * workloads stand on go as they are read, in batches (the worker posts them, and keeps no copy);
 * the state then holds stand-ins for them, which `withObjects` replaces.
 */
export function readSnapshotState(
  absolute: string,
  display: string,
  post?: (objects: ClusterObject[]) => void,
): SnapshotRead {
  let batch: ClusterObject[] = [];
  let posted = 0;
  const keep = post
    ? (object: ClusterObject): ClusterObject => {
        batch.push(object);
        if (batch.length >= OBJECTS_PER_MESSAGE) {
          post(batch);
          batch = [];
        }
        const standIn: StandIn = { posted: posted++ };
        return standIn as unknown as ClusterObject;
      }
    : undefined;
  // Each object is reduced to what the preview needs as it is read.
  const workloads = new WorkloadsBuilder(keep);
  const problems = readSnapshotFile(absolute, display, {
    object: (object) => workloads.add(object),
    pod: (fields, whole) => workloads.addPod(fields, whole),
  });
  const first = problems[0];
  if (first) return { ok: false, problem: first, count: problems.length };
  const state = workloads.state();
  if (post && batch.length > 0) post(batch);
  return { ok: true, state };
}

/** The workloads with their objects in place of the stand-ins `readSnapshotState` left. */
function withObjects(state: WorkloadsState, objects: readonly ClusterObject[]): WorkloadsState {
  for (const workload of state.list) {
    const { posted } = workload.object as Partial<StandIn>;
    const object = posted === undefined ? undefined : objects[posted];
    if (!object) throw new Error(`the snapshot worker posted no object ${String(posted)}`);
    workload.object = object;
  }
  return state;
}

/**
 * What the worker posts: the objects workloads stand on, in batches as they are read, then once
 * its read (or the error it stopped on).
 */
export type WorkerMessage =
  | { objects: ClusterObject[] }
  | { read: SnapshotRead }
  | { error: { message: string; stack?: string; user: boolean } };

/** The workloads of a read, or its first problem as the user's error (file, line and column). */
function clusterOf(read: SnapshotRead, display: string): ClusterState {
  if (read.ok) return { source: display, workloads: workloadsFrom(read.state) };
  const { problem, count } = read;
  throw new UserError(
    `${problem.file}:${problem.line}:${problem.column}: ${problem.message}${count > 1 ? ` (and ${count - 1} more problems)` : ''}`,
  );
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/** The built worker beside this module, if there is one. */
function workerScript(): string | undefined {
  for (const name of ['./snapshot-worker.cjs', './snapshot-worker.js']) {
    const path = fileURLToPath(new URL(name, import.meta.url));
    if (existsSync(path)) return path;
  }
  return undefined;
}

export interface SnapshotReading {
  /** The cluster state, once read; rejects with the file's first problem, or `watch`'s error. */
  state: Promise<ClusterState>;
  /** Stops the reading (the preview ends without it); a no-op once it is done. */
  cancel(): void;
}

/** A snapshot smaller than this is read on the main thread: it takes about as long as starting a worker. */
const WORKER_FROM_BYTES = 4 * 1024 * 1024;

/**
 * Whether to read in a worker: `CHS_SNAPSHOT_WORKER=1` always, `0` never; else when a second
 * thread may run and the file is not small (a pipe's size is not known: it may be large).
 */
function inWorker(
  absolute: string,
  options: { env?: Readonly<Record<string, string | undefined>>; parallelism?: number },
): boolean {
  const setting = options.env?.CHS_SNAPSHOT_WORKER;
  if (setting === '0') return false;
  if (setting === '1') return true;
  if ((options.parallelism ?? availableParallelism()) < 2) return false;
  try {
    const stat = statSync(absolute);
    return !stat.isFile() || stat.size >= WORKER_FROM_BYTES;
  } catch {
    // The read says what is wrong with it.
    return false;
  }
}

/**
 * Starts reading a snapshot file beside the caller. `watch` is called every `watchMs` while the
 * worker runs and the main thread is idle (the job's budget, `src/core/budget.ts`); what it
 * throws stops the worker and rejects the state.
 */
export function readSnapshotBeside(
  file: { absolute: string; display: string },
  options: {
    env?: Readonly<Record<string, string | undefined>>;
    /** The worker to run (by default the built one beside this module). */
    script?: string;
    /** How many threads may run at once (by default `os.availableParallelism()`). */
    parallelism?: number;
    watch?: () => void;
    watchMs?: number;
  } = {},
): SnapshotReading {
  const script = inWorker(file.absolute, options) ? (options.script ?? workerScript()) : undefined;
  if (script === undefined) {
    let state: Promise<ClusterState>;
    try {
      state = Promise.resolve(clusterOf(readSnapshotState(file.absolute, file.display), file.display));
    } catch (error) {
      state = Promise.reject(asError(error));
    }
    return { state, cancel: () => undefined };
  }
  const worker = new Worker(script, { workerData: { absolute: file.absolute, display: file.display } });
  let settled = false;
  let timer: NodeJS.Timeout | undefined;
  let fail: (error: Error) => void = () => undefined;
  const end = (): void => {
    settled = true;
    if (timer) clearInterval(timer);
    void worker.terminate();
  };
  const state = new Promise<ClusterState>((resolve, reject) => {
    fail = (error) => {
      if (settled) return;
      end();
      reject(error);
    };
    const objects: ClusterObject[] = [];
    worker.on('message', (message: WorkerMessage) => {
      if (settled) return;
      if ('objects' in message) {
        for (const object of message.objects) objects.push(object);
        return;
      }
      end();
      if ('error' in message) {
        const { error } = message;
        if (error.user) reject(new UserError(error.message));
        else {
          const internal = new Error(`reading the snapshot ${file.display}: ${error.message}`);
          if (error.stack) internal.stack = `${internal.message}\n(in the snapshot worker) ${error.stack}`;
          reject(internal);
        }
        return;
      }
      try {
        const { read } = message;
        resolve(
          clusterOf(read.ok ? { ok: true, state: withObjects(read.state, objects) } : read, file.display),
        );
      } catch (error) {
        reject(asError(error));
      }
    });
    worker.once('error', (error) => {
      const what =
        (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new UserError(
              `--snapshot ${file.display}: reading it ran out of memory; give a smaller snapshot (kubectl get with fewer kinds or namespaces)`,
            )
          : error;
      fail(what);
    });
    worker.once('exit', (code) =>
      fail(new Error(`reading the snapshot ${file.display}: the worker thread stopped (exit ${code})`)),
    );
  });
  if (options.watch) {
    const watch = options.watch;
    timer = setInterval(() => {
      try {
        watch();
      } catch (error) {
        fail(asError(error));
      }
    }, options.watchMs ?? 100);
  }
  return { state, cancel: () => fail(new Error('cancelled')) };
}
