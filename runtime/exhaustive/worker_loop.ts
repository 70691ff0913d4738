/**
 * The worker side of parallel.ts: explore the units the main thread sends,
 * one at a time, on a program built once per worker.
 */
import { parentPort, workerData } from "node:worker_threads";
import { exploreUnit, newStats } from "./explorer";
import type { UnitReport, UnitTask, WorkerInit } from "./parallel";
import type { Program } from "./program";

export function serveUnits(build: (data: unknown) => Program): void {
  const init = workerData as WorkerInit;
  const program = build(init.data);
  const counter = new Int32Array(init.counter);
  const max = init.options.maxExecutions;
  const deadline = init.options.deadline;
  parentPort!.on("message", (task: UnitTask) => {
    const stats = newStats();
    const r = exploreUnit(program, task.prefix, new Map(task.rootTaken), {
      bound: init.options.bound,
      onExecution: () => void Atomics.add(counter, 0, 1),
      stop: () => (max !== undefined && Atomics.load(counter, 0) >= max) || (deadline !== undefined && Date.now() >= deadline),
    }, stats);
    if ("setupFailure" in r) throw new Error("exhaustive worker: the set-up fails here but not in the main thread");
    const report: UnitReport = { unit: task.unit, complete: r.complete, violationOrder: r.violation === null ? null : r.violation.trace.map((s) => s.thread), stats };
    parentPort!.postMessage(report);
  });
}
