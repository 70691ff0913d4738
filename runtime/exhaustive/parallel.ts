/**
 * The units of an exploration (units.ts) on worker threads. Units are
 * independent, so the result is the single-threaded one: the statistics are
 * sums, and a violation is the one of the lowest unit that has one (the
 * units before it still run to the end). The root's sleep entries (no bound)
 * come from one-step probes run here first, as a single run would compute
 * them. Budgets are shared: one execution counter for every worker.
 *
 * A worker runs `entry` (a module that builds the same program from `data`
 * and calls serveUnits), compiled or from the sources (../worker_file.ts).
 */
import { startWorker } from "../worker_file";
import { addStats, type ExploreOptions, type ExploreStats, newStats, useSleep } from "./explorer";
import type { Footprint } from "./footprint";
import type { Program } from "./program";
import { runOrder } from "./replay";
import { type ExploreResult, firstStep, ownsUnit, type Shard, unitsOf } from "./units";

export interface UnitTask {
  unit: number;
  prefix: number[];
  rootTaken: Array<[number, Footprint]>;
}

export interface UnitReport {
  unit: number;
  complete: boolean;
  /** The failing execution as the threads it ran, one per step. */
  violationOrder: number[] | null;
  stats: ExploreStats;
}

export interface WorkerInit {
  data: unknown;
  options: { bound: number | null; maxExecutions?: number; deadline?: number };
  counter: SharedArrayBuffer;
}

export interface ParallelSpec {
  /** The worker module (see above). */
  entry: string;
  /** Passed to the entry: enough to build the program again. */
  data: unknown;
  workers: number;
}

export async function exploreParallel(program: Program, o: ExploreOptions, spec: ParallelSpec, shard?: Shard): Promise<ExploreResult> {
  const units = unitsOf(program, o.bound);
  if (!Array.isArray(units)) return { complete: true, violation: null, setupFailure: units.setupFailure, stats: newStats(), units: 0, explored: [] };
  // The root's sleep entries, per unit (no bound only): the first steps of the heads before its own.
  const firsts = new Map<number, Footprint | null>();
  const taken = (u: number): Array<[number, Footprint]> => {
    if (!useSleep(o)) return [];
    const out: Array<[number, Footprint]> = [];
    for (let q = 0; q < u; q++) {
      const head = units[q]![0];
      if (head === undefined || head === units[u]![0] || out.some(([t]) => t === head)) continue;
      if (!firsts.has(head)) {
        const f = firstStep(program, head, o);
        firsts.set(head, f !== null && "setupFailure" in f ? null : f);
      }
      const f = firsts.get(head);
      if (f) out.push([head, f]);
    }
    return out;
  };
  const mine = units.map((_, u) => u).filter((u) => ownsUnit(shard, u));
  const tasks: UnitTask[] = mine.map((u) => ({ unit: u, prefix: units[u]!, rootTaken: taken(u) }));
  // Dispatch the units that keep running one thread first: they are the big ones (the default
  // schedule's subtree), and starting them early evens the workers' loads. Results do not depend on it.
  const sameThread = (t: UnitTask) => t.prefix.every((x) => x === t.prefix[0]);
  const order = [...tasks.filter(sameThread), ...tasks.filter((t) => !sameThread(t))];
  const counter = new SharedArrayBuffer(4);
  const init: WorkerInit = {
    data: spec.data,
    options: { bound: o.bound, ...(o.maxExecutions === undefined ? {} : { maxExecutions: o.maxExecutions }), ...(o.deadline === undefined ? {} : { deadline: o.deadline }) },
    counter,
  };
  const reports = new Map<number, UnitReport>();
  let running = newStats();
  let firstViolation = Infinity;
  let next = 0;
  const pool = Array.from({ length: Math.max(1, Math.min(spec.workers, tasks.length)) }, () => startWorker(spec.entry, { workerData: init }));
  try {
    await Promise.all(
      pool.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const feed = () => {
              // After a violation in unit u only the units before u still matter.
              while (next < order.length && order[next]!.unit > firstViolation) next++;
              if (next >= order.length) return resolve();
              w.postMessage(order[next++]);
            };
            w.on("message", (r: UnitReport) => {
              reports.set(r.unit, r);
              if (r.violationOrder !== null) firstViolation = Math.min(firstViolation, r.unit);
              running = addStats(running, r.stats);
              o.onExecution?.(null, running);
              feed();
            });
            w.on("error", reject);
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  let stats = newStats();
  let complete = true;
  const explored: number[] = [];
  for (const t of tasks) {
    const r = reports.get(t.unit);
    if (r === undefined) break;
    explored.push(t.unit);
    stats = addStats(stats, r.stats);
    if (r.violationOrder !== null) {
      const again = runOrder(program, r.violationOrder);
      if (again === null) throw new Error("exhaustive: a worker's failing execution does not replay here");
      return { complete: true, violation: again.run, stats, units: units.length, explored };
    }
    if (!r.complete) complete = false;
  }
  return { complete: complete && explored.length === tasks.length, violation: null, stats, units: units.length, explored };
}
