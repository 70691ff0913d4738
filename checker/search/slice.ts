/**
 * One slice of a sampled search (search_pool.ts): runs start .. start +
 * count - 1 of a seed, in order, up to the first violation, with what they
 * cost. Run on the caller's thread and on the pool's workers alike. A run is
 * not started once the search is stopped (interrupted) or a violation at a
 * lower index is known (the shared cutoff); a violation found here lowers
 * the cutoff.
 */
import { Interrupted } from "../interrupted";
import type { Variant } from "../subject";
import { type SampledSettings, sampledRun } from "./sampled_run";
import { firstFailing } from "./run_stream";

/** Indices into a search's shared Int32Array. */
export const SIGNAL = 0;
/** 1: stop (interrupted, or a thread's error). */
export const STOP = 1;
/** The lowest failing run index found so far in this search (NO_CUTOFF: none). */
export const CUTOFF = 2;
/** Runs done on every thread in this search (progress only). */
export const DONE = 3;
/** The index of the next slice of the search's plan to take (every thread takes slices from it). */
export const NEXT = 4;
/** Int32 words of the shared array. */
export const SHARED_WORDS = 5;
export const NO_CUTOFF = 0x7fffffff;

/** A search, as each worker is told of it: its seed and run count, and how many threads share its plan (search_pool.ts slices). */
export interface SearchTask {
  seed: number;
  numRuns: number;
  planThreads: number;
}

/** What a worker says when it has taken no more slices of a search. */
export interface Idle {
  idle: true;
}

/** A slice of one search: runs start .. start + count - 1 of seed. */
export interface SliceTask {
  seed: number;
  start: number;
  count: number;
}

export interface SliceReport {
  start: number;
  count: number;
  /** Runs done, in index order from start. */
  ran: number;
  /** The index of the slice's failing run (the last one done), or null. */
  failedAt: number | null;
  steps: number;
  checks: number;
  /** Stopped early: interrupted, or past the cutoff. */
  halted: boolean;
  /** The thread's error, or null. */
  error: string | null;
}

/** The slices of numRuns runs for `threads` threads: 16 runs, doubling to about an eighth of a thread's share. */
export function slices(numRuns: number, threads: number): Array<{ start: number; count: number }> {
  const cap = Math.max(16, Math.ceil(numRuns / (8 * threads)));
  const out: Array<{ start: number; count: number }> = [];
  for (let start = 0, size = 16; start < numRuns; start += size, size = Math.min(cap, size * 2)) out.push({ start, count: Math.min(size, numRuns - start) });
  return out;
}

/**
 * The next slice of a search's plan for the calling thread, or null when the
 * plan is used up, the search stopped, or the slice starts past the cutoff
 * (so does every later one: the cutoff only falls). A slice taken is run and
 * reported; one refused is past the answer, and never needed.
 */
export function takeSlice(shared: Int32Array, plan: ReadonlyArray<{ start: number; count: number }>): { start: number; count: number } | null {
  if (Atomics.load(shared, STOP) !== 0) return null;
  const i = Atomics.add(shared, NEXT, 1);
  if (i >= plan.length || plan[i]!.start > Atomics.load(shared, CUTOFF)) return null;
  return plan[i]!;
}

/** Lower the cutoff to `index` unless a lower one is known. */
function lowerCutoff(shared: Int32Array, index: number): void {
  for (let c = Atomics.load(shared, CUTOFF); index < c; c = Atomics.load(shared, CUTOFF)) {
    if (Atomics.compareExchange(shared, CUTOFF, c, index) === c) return;
  }
}

/** Run a slice; `between` is called before each run (the caller's thread collects its workers' reports there). */
export function runSlice(variant: Variant, settings: SampledSettings, task: SliceTask, shared: Int32Array, between?: () => void): SliceReport {
  const report: SliceReport = { start: task.start, count: task.count, ran: 0, failedAt: null, steps: 0, checks: 0, halted: false, error: null };
  try {
    const hit = firstFailing(variant, task.seed, task.start, task.count, (g, index) => {
      between?.();
      if (Atomics.load(shared, STOP) !== 0 || index > Atomics.load(shared, CUTOFF)) throw new Interrupted();
      const r = sampledRun(variant, settings, g);
      report.ran++;
      report.steps += r.result.steps;
      report.checks += r.checker.checks;
      Atomics.add(shared, DONE, 1);
      if (r.result.violation === null) return true;
      lowerCutoff(shared, index);
      return false;
    });
    report.failedAt = hit?.index ?? null;
  } catch (e) {
    if (e instanceof Interrupted) report.halted = true;
    else report.error = e instanceof Error ? (e.stack ?? e.message) : String(e);
  }
  return report;
}
