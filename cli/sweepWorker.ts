// A sweep's worker thread: runs the runs it is sent, one at a time, and replies with each result.
import { parentPort } from 'node:worker_threads';
import { runOne } from './sweepRun';
import type { RunRequest } from './sweepRun';

parentPort?.on('message', (req: RunRequest) => {
  void runOne(req).then((reply) => parentPort?.postMessage(reply));
});
