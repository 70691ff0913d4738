/** The worker of compare_map.ts mapOnWorker: computes the map and posts it, then raises the signal. */
import { workerData } from "node:worker_threads";
import { computeMap, type MapWorkerData } from "./compare_map";

const d = workerData as MapWorkerData;
try {
  d.port.postMessage({ result: computeMap(d.request) });
} catch (e) {
  d.port.postMessage({ error: e instanceof Error ? e.message : String(e) });
} finally {
  Atomics.store(d.signal, 0, 1);
  Atomics.notify(d.signal, 0);
}
