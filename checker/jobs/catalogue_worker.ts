/**
 * The module each worker thread of --mutants --workers N runs
 * (catalogue_pool.ts): it resolves the subject's catalogue by name, as the
 * caller did, and checks the mutants it is sent (by index), one at a time,
 * with checkMutant, as runCatalogue does on one thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import { catalogue, resolveSubject } from "../variants";
import type { CatalogueAnswer, CatalogueWorkerData } from "./catalogue_pool";
import { checkMutant } from "./mutants";

const d = workerData as CatalogueWorkerData;
const stop = new Int32Array(d.stop);
const all = catalogue(resolveSubject(d.subject));

parentPort!.on("message", (index: number) => {
  let answer: CatalogueAnswer;
  try {
    answer = { index, row: checkMutant(d.base, all[index]!, { interrupted: () => Atomics.load(stop, 0) !== 0, fewestPreemptions: d.fewestPreemptions }) };
  } catch (e) {
    answer = { index, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(answer);
});
