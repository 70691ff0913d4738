/**
 * Starting a worker thread on a module of this tree, compiled or not. A
 * `.js` entry (dist/) is loaded as it is. A `.ts` entry (running from the
 * sources, under tsx or jest) is loaded through tsx's CommonJS hook,
 * registered in the worker first: Node does not pass the parent's
 * `--import` loaders to a worker's main script, and a worker's execArgv may
 * not carry them.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Worker, type WorkerOptions } from "node:worker_threads";

/** The module `name` in `dir`: its compiled `.js` when there is one, else its `.ts` source. */
export function workerEntry(dir: string, name: string): string {
  const js = join(dir, `${name}.js`);
  return existsSync(js) ? js : join(dir, `${name}.ts`);
}

/** A worker thread running `entry` (a path ending in .js or .ts). */
export function startWorker(entry: string, options: WorkerOptions): Worker {
  if (!entry.endsWith(".ts")) return new Worker(entry, options);
  return new Worker(`require(${JSON.stringify(require.resolve("tsx/cjs"))}); require(${JSON.stringify(entry)});`, { ...options, eval: true });
}
