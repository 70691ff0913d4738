/**
 * The module each worker thread of a sampled search runs (search_pool.ts):
 * it resolves the variant by its names, as the caller did, and runs the
 * slices it is sent (slice.ts), reporting each on its port and raising the
 * shared signal.
 */
import { workerData } from "node:worker_threads";
import type { Variant } from "../subject";
import { resolveSubject, resolveVariant } from "../variants";
import type { SearchWorkerData } from "./search_pool";
import { runSlice, SIGNAL, type SliceReport, type SliceTask } from "./slice";

const d = workerData as SearchWorkerData;
/** The variant, or why it did not resolve (reported for every slice: the caller waits for reports). */
const resolved = ((): Variant | string => {
  try {
    return resolveVariant(d.design, d.mutant, resolveSubject(d.subject));
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
})();
const shared = new Int32Array(d.shared);

d.port.on("message", (task: SliceTask) => {
  const report: SliceReport =
    typeof resolved === "string" ? { start: task.start, count: task.count, ran: 0, failedAt: null, steps: 0, checks: 0, halted: false, error: `${d.design}: ${resolved}` } : runSlice(resolved, d.settings, task, shared);
  d.port.postMessage(report);
  Atomics.add(shared, SIGNAL, 1);
  Atomics.notify(shared, SIGNAL);
});
