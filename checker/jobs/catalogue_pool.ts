/**
 * --mutants --workers N: the catalogue's mutants on N worker threads, each
 * mutant checked whole on one thread (catalogue_worker.ts) exactly as
 * runCatalogue checks it on the caller's, so every row is the row one thread
 * gives (its wall-clock `timing` aside); the rows come back in catalogue
 * order. An interrupt stops every worker's check (a shared flag their checks
 * poll); the rows finished by then are reported, the run is interrupted.
 * runtime/worker_file.ts loads the worker, compiled or from the sources.
 */
import type { Worker } from "node:worker_threads";
import { startWorker, workerEntry } from "../../runtime/worker_file";
import type { Subject } from "../subject";
import type { CheckRequest } from "./check";
import { type CatalogueHooks, catalogueReport, type CatalogueResult, type MutantRow } from "./mutants";

/** What each worker gets. */
export interface CatalogueWorkerData {
  subject: string;
  base: Omit<CheckRequest, "variant">;
  fewestPreemptions: boolean;
  /** Int32 flag: 1 stops every check. */
  stop: SharedArrayBuffer;
}

/** A worker's answer for the mutant at `index` of the catalogue. */
export type CatalogueAnswer = { index: number; row: MutantRow } | { index: number; error: string };

/** How often the interrupt hook is polled. */
const POLL_MS = 100;

export function runCatalogueOnWorkers(base: Omit<CheckRequest, "variant">, workers: number, hooks: CatalogueHooks, subject: Subject): Promise<CatalogueResult> {
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`runCatalogueOnWorkers: workers must be a positive integer, not ${workers}`);
  const total = subject.mutants.length;
  const rows: Array<MutantRow | undefined> = new Array(total);
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const data: CatalogueWorkerData = { subject: subject.name, base, fewestPreemptions: hooks.fewestPreemptions !== false, stop: stop.buffer as SharedArrayBuffer };
  return new Promise((resolve, reject) => {
    let next = 0;
    let busy = 0;
    let interrupted = false;
    let failed: Error | null = null;
    const pool = Array.from({ length: Math.min(workers, total) }, () => startWorker(workerEntry(__dirname, "catalogue_worker"), { workerData: data }));
    const halt = () => {
      interrupted = true;
      Atomics.store(stop, 0, 1);
    };
    const poll = setInterval(() => {
      if (!interrupted && hooks.interrupted?.()) halt();
    }, POLL_MS);
    const finish = () => {
      clearInterval(poll);
      for (const w of pool) void w.terminate();
      if (failed !== null) reject(failed);
      else resolve(catalogueReport(rows.filter((r): r is MutantRow => r !== undefined), interrupted, base, subject));
    };
    const give = (w: Worker) => {
      if (interrupted || failed !== null || next >= total) return;
      w.postMessage(next++);
      busy++;
    };
    const settled = (w: Worker | null) => {
      busy--;
      const done = rows.filter((r) => r !== undefined);
      hooks.progress?.({ phase: "mutants", done: done.length, budget: total, violations: done.filter((r) => r!.detected).length });
      if (w !== null) give(w);
      if (busy === 0) finish();
    };
    for (const w of pool) {
      w.on("message", (m: CatalogueAnswer) => {
        if ("error" in m) failed ??= new Error(`mutant ${subject.mutants[m.index]?.name}: ${m.error}`);
        else {
          rows[m.index] = m.row;
          if (m.row.interrupted) halt();
        }
        settled(w);
      });
      w.on("error", (e) => {
        failed ??= e;
        settled(null);
      });
    }
    if (total === 0) return finish();
    hooks.progress?.({ phase: "mutants", done: 0, budget: total, violations: 0 });
    for (const w of pool) give(w);
  });
}
