/**
 * The worker thread that reads a snapshot file beside the preview (`snapshot-thread.ts`): it posts
 * the objects workloads stand on as it reads them, then the workloads, or the file's first problem,
 * or the error it stopped on.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { UserError } from '../core/errors.js';
import { readSnapshotState } from './snapshot-thread.js';
import type { WorkerMessage } from './snapshot-thread.js';
import type { ClusterObject } from './cluster.js';

const { absolute, display } = workerData as { absolute: string; display: string };
let message: WorkerMessage;
try {
  const post = (objects: ClusterObject[]): void => {
    const batch: WorkerMessage = { objects };
    parentPort?.postMessage(batch);
  };
  message = { read: readSnapshotState(absolute, display, post) };
} catch (error) {
  message = {
    error: {
      message: error instanceof Error ? error.message : String(error),
      ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
      user: error instanceof UserError,
    },
  };
}
parentPort?.postMessage(message);
