/**
 * Runs a long job in a worker thread and keeps the main thread free for
 * signals. SIGINT or SIGTERM sets a flag the worker polls between runs; the
 * worker then stops, reporting no verdict. If it has not answered within a
 * second it is terminated: the counterexample files it saved are complete
 * (they are written atomically as they are found).
 *
 * `npx rmapcheck` runs us under `npm exec` and `sh -c`: a SIGTERM sent to npm
 * kills npm and the shell without passing it on, and we are re-parented. A
 * change of parent process is therefore taken as SIGTERM (checked every
 * PARENT_POLL_MS), so the run stops instead of running on as an orphan.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { JobRequest, WorkerMessage } from "./job_protocol";
import { progressReporter } from "./progress";

export interface JobResult {
  /** The worker's answer, or null when it was terminated after an interrupt. */
  done: (WorkerMessage & { type: "done" }) | null;
  /** The signal that interrupted the job, or null. */
  signal: NodeJS.Signals | null;
  /** The last counterexample file saved, or null. */
  saved: string | null;
  /** Set when the worker reported bad input or failed. */
  error: (WorkerMessage & { type: "bad-input" | "failed" }) | null;
}

/** Patience after an interrupt before the worker is terminated. */
const GRACE_MS = 1000;
/** How often the parent process is checked (see above). */
const PARENT_POLL_MS = 250;

/**
 * The worker: the compiled worker.js, or from the TypeScript sources (tsx,
 * `npx tsx cli/main.ts`) a worker that registers tsx's require hook first
 * (a worker's execArgv cannot carry `--import tsx`: Node refuses .ts there).
 */
function startWorker(workerData: unknown): Worker {
  const js = join(__dirname, "worker.js");
  // The compiled worker inherits the parent's flags (Node's default when no execArgv is given): node
  // --cpu-prof profiles the job too, and V8's flags, which a worker's execArgv may not carry (Node
  // refuses the worker: ERR_WORKER_INVALID_EXEC_ARGV), still apply, being the process's.
  const options = { workerData, stdout: false, stderr: false };
  if (existsSync(js)) return new Worker(js, options);
  const code = `require(${JSON.stringify(require.resolve("tsx/cjs"))}); require(${JSON.stringify(join(__dirname, "worker.ts"))});`;
  return new Worker(code, { ...options, eval: true });
}

export function runJob(request: JobRequest): Promise<JobResult> {
  const flag = new SharedArrayBuffer(4);
  const stop = new Int32Array(flag);
  const worker = startWorker({ request, flag });
  const progress = progressReporter();
  const result: JobResult = { done: null, signal: null, saved: null, error: null };
  return new Promise((resolve) => {
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      progress.end();
      process.removeListener("SIGINT", onSignal);
      process.removeListener("SIGTERM", onSignal);
      clearInterval(orphaned);
      void worker.terminate();
      resolve(result);
    };
    const onSignal = (sig: NodeJS.Signals) => {
      if (result.signal !== null) return;
      result.signal = sig;
      Atomics.store(stop, 0, 1);
      setTimeout(finish, GRACE_MS).unref();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    const parent = process.ppid;
    const orphaned = setInterval(() => {
      if (process.ppid !== parent) onSignal("SIGTERM");
    }, PARENT_POLL_MS);
    orphaned.unref();
    worker.on("message", (m: WorkerMessage) => {
      if (m.type === "progress") progress.report(m.progress);
      else if (m.type === "line") progress.line(m.line);
      else if (m.type === "saved") result.saved = m.file;
      else if (m.type === "done") {
        result.done = m;
        finish();
      } else {
        result.error = m;
        finish();
      }
    });
    worker.on("error", (e) => {
      result.error = { type: "failed", message: e instanceof Error ? `${e.message}\n${e.stack ?? ""}` : String(e) };
      finish();
    });
    worker.on("exit", () => finish());
  });
}
