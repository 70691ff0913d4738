/**
 * The module each worker thread of a sampled search runs (search_pool.ts):
 * it resolves the variant by its names, as the caller did. Told of a search,
 * it takes slices of the search's plan (slice.ts takeSlice, shared with the
 * caller and the other workers) until none is left to take, runs each and
 * reports it on its port, then says it is idle; each message raises the
 * shared signal.
 */
import { workerData } from "node:worker_threads";
import type { Variant } from "../subject";
import { resolveSubject, resolveVariant } from "../variants";
import type { SearchWorkerData } from "./search_pool";
import { type Idle, runSlice, type SearchTask, SIGNAL, type SliceReport, slices, takeSlice } from "./slice";

const d = workerData as SearchWorkerData;
/** The variant, or why it did not resolve (reported as a slice's error: the caller waits for reports). */
const resolved = ((): Variant | string => {
  try {
    return resolveVariant(d.design, d.mutant, resolveSubject(d.subject));
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
})();
const shared = new Int32Array(d.shared);

function post(message: SliceReport | Idle): void {
  d.port.postMessage(message);
  Atomics.add(shared, SIGNAL, 1);
  Atomics.notify(shared, SIGNAL);
}

d.port.on("message", (task: SearchTask) => {
  const plan = slices(task.numRuns, task.planThreads);
  for (let slice = takeSlice(shared, plan); slice !== null; slice = takeSlice(shared, plan)) {
    if (typeof resolved === "string") {
      post({ start: slice.start, count: slice.count, ran: 0, failedAt: null, steps: 0, checks: 0, halted: false, error: `${d.design}: ${resolved}` });
      break;
    }
    post(runSlice(resolved, d.settings, { seed: task.seed, ...slice }, shared));
  }
  post({ idle: true });
});
