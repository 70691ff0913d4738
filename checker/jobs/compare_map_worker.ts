/** The worker of compare_map.ts mapOnWorker: computes the map, counting its points, and posts it, then raises the signal. */
import { workerData } from "node:worker_threads";
import { computeMap, DONE, type MapWorkerData, POINTS } from "./compare_map";

const d = workerData as MapWorkerData;
try {
  // The poll before each point is the worker's sign of progress; the caller does the interrupting.
  d.port.postMessage({ result: computeMap(d.request, () => (Atomics.add(d.signal, POINTS, 1), false)) });
} catch (e) {
  d.port.postMessage({ error: e instanceof Error ? e.message : String(e) });
} finally {
  Atomics.store(d.signal, DONE, 1);
  Atomics.notify(d.signal, DONE);
}
