/**
 * The exhaustive search of one scenario for one variant: explore every
 * schedule within the preemption bound (runtime/exhaustive/); on a violation,
 * look for one with fewer preemptions by exploring the smaller bounds in turn
 * (iterative deepening, Musuvathi and Qadeer, PLDI 2007), then shorten it
 * (fewer steps, never more preemptions), every candidate re-run.
 */
import { addStats, type ExploreOptions, type ExploreStats, newStats } from "../../runtime/exhaustive/explorer";
import { exploreParallel, type ParallelSpec } from "../../runtime/exhaustive/parallel";
import { explore, type ExploreResult, type Shard } from "../../runtime/exhaustive/units";
import type { Program } from "../../runtime/exhaustive/program";
import { type OrderedRun, runOrder, shortenOrder } from "../../runtime/exhaustive/replay";
import type { RunResult } from "../../runtime/run";
import { type Violation, violationOf } from "../violation";

export interface SearchOptions {
  /** null: no bound. */
  bound: number | null;
  maxExecutions?: number;
  /** Wall-clock budget, ms since the epoch. */
  deadline?: number;
  shard?: Shard;
  onProgress?: (s: ExploreStats) => void;
  /** Polled between executions: true stops the search (incomplete). */
  stop?: () => boolean;
  /** Every execution of the requested bound run to the end, with its behaviour class (--cross-check). */
  onBehaviour?: ExploreOptions["onBehaviour"];
  verifyPrefix?: boolean;
}

export interface FoundViolation {
  violation: Violation;
  run: RunResult;
  /** Switches away from a runnable thread. */
  preemptions: number;
  /** The bound of the exploration that found it. */
  foundAtBound: number | null;
}

export interface SearchResult {
  /** The exploration at the requested bound. */
  main: ExploreResult;
  /** Totals over every exploration (the requested bound and the smaller ones). */
  stats: ExploreStats;
  found: FoundViolation | null;
  /** The explorations at smaller bounds that ran to the end without a violation. */
  smallerBoundsClear: number[];
}

function violationRun(program: Program, r: RunResult, bound: number | null): FoundViolation {
  const again = runOrder(program, r.trace.map((s) => s.thread));
  if (again === null || violationOf(again.run.failure)?.invariant !== violationOf(r.failure)?.invariant) {
    throw new Error("exhaustive: the failing execution does not replay the same way (the program is not deterministic)");
  }
  return { violation: violationOf(r.failure)!, run: again.run, preemptions: again.preemptions, foundAtBound: bound };
}

/** The explorer's options for the requested bound. */
export function mainOptions(o: SearchOptions): ExploreOptions {
  return {
    bound: o.bound,
    ...(o.maxExecutions === undefined ? {} : { maxExecutions: o.maxExecutions }),
    ...(o.deadline === undefined ? {} : { deadline: o.deadline }),
    ...(o.stop === undefined ? {} : { stop: o.stop }),
    ...(o.onProgress ? { onExecution: (_: unknown, s: ExploreStats) => o.onProgress!(s) } : {}),
    ...(o.onBehaviour ? { onBehaviour: o.onBehaviour } : {}),
    ...(o.verifyPrefix === true ? { verifyPrefix: true } : {}),
  };
}

export function search(program: Program, o: SearchOptions): SearchResult {
  return finishSearch(program, o, explore(program, mainOptions(o), o.shard));
}

/** Parallel.ts runs the exploration at the requested bound on worker threads; the rest runs here. */
export async function searchParallel(program: Program, o: SearchOptions, spec: ParallelSpec): Promise<SearchResult> {
  return finishSearch(program, o, await exploreParallel(program, mainOptions(o), spec, o.shard));
}

/** After the exploration at the requested bound: on a violation, fewer preemptions, then fewer steps. */
function finishSearch(program: Program, o: SearchOptions, main: ExploreResult): SearchResult {
  const base = { ...(o.maxExecutions === undefined ? {} : { maxExecutions: o.maxExecutions }), ...(o.deadline === undefined ? {} : { deadline: o.deadline }), ...(o.stop === undefined ? {} : { stop: o.stop }) };
  let stats = newStats();
  stats = addStats(stats, main.stats);
  if (main.violation === null) return { main, stats, found: null, smallerBoundsClear: [] };
  let found = violationRun(program, main.violation, o.bound);
  const clear: number[] = [];
  // Fewer preemptions: the smaller bounds, smallest first, within what is left of the budget.
  for (let k = 0; k < found.preemptions; k++) {
    const left = o.maxExecutions === undefined ? {} : { maxExecutions: Math.max(0, o.maxExecutions - stats.executions - stats.abandoned) };
    const r = explore(program, { bound: k, ...base, ...left }, o.shard);
    stats = addStats(stats, r.stats);
    if (r.violation !== null) {
      const f = violationRun(program, r.violation, k);
      if (f.preemptions < found.preemptions) found = f;
      break;
    }
    if (!r.complete) break;
    clear.push(k);
  }
  const same = (r: RunResult) => violationOf(r.failure)?.invariant === found.violation.invariant;
  const start: OrderedRun = { run: found.run, preemptions: found.preemptions };
  const short = shortenOrder(program, start, same);
  found = { ...found, run: short.run, preemptions: short.preemptions, violation: violationOf(short.run.failure)! };
  return { main, stats, found, smallerBoundsClear: clear };
}
