/**
 * The sampled concurrency check: generate traces with fast-check, run each
 * under a scheduler (PCT by default) with every invariant checked after every
 * step; on the first violation, write the run as "default plus preemptions",
 * look for a few more failing runs within the same budget, let fast-check
 * shrink each (configuration, set-up, operations and preemptions together),
 * make it 1-minimal, and keep the smallest. Deterministic for a given seed.
 *
 * Budget: `runs` bounds every generated run of the search, the first failing
 * one and the further ones together. Shrinking replays candidates of a
 * counterexample already found; they are counted apart (`shrinkRuns`).
 *
 * Threads (`workers`, `pool`): the generated runs of each search may run on
 * several threads (search_pool.ts) with the same result, statistics
 * included; shrinking stays on this thread.
 */
import fc from "fast-check";
import type { Observer } from "../../runtime/machine";
import { Interrupted } from "../interrupted";
import type { Progress } from "../progress";
import { type Counterexample, toCounterexample } from "../report/counterexample";
import type { GeneratedRun, Variant } from "../subject";
import { canonical, minimize } from "./minimize";
import { firstFailing } from "./run_stream";
import { type SampledSettings, sampledRun, type SchedulerName } from "./sampled_run";
import { scForm } from "./sc_form";
import { SearchPool } from "./search_pool";
import { DEFAULT_BUDGET, runTrace, type Trace, type TraceResult } from "./trace";

export { type SampledSettings, sampledRun, schedulerFor, type SchedulerName } from "./sampled_run";

export interface ExploreOptions {
  variant: Variant;
  seed: number;
  /** The most generated runs the search may take. */
  runs: number;
  scheduler: SchedulerName;
  /** PCT depth (bug depth it targets). */
  depth?: number;
  /** Step budget of one run (a run that exceeds it is a livelock). */
  budget?: number;
  tso?: boolean;
  full?: boolean;
  /** Called about every 1% of the budget and at each phase change. */
  progress?: (p: Progress) => void;
  /** Called with each better counterexample as it is found and shrunk (so an interrupted run keeps it). */
  found?: (cx: Counterexample) => void;
  /** Further failing runs to look for after the first, keeping the shortest counterexample (default 3). */
  candidates?: number;
  /** Polled between runs: true stops the search (the result says it was interrupted). */
  interrupted?: () => boolean;
  /** Observers to attach to each generated run of the search (a benchmark's instruments; on one thread only). */
  observe?: () => Observer[];
  /**
   * Threads for the generated runs (default 1: this thread). Any number
   * gives the same result, statistics included (search_pool.ts).
   */
  workers?: number;
  /**
   * Threads already started for this variant and these settings, kept open
   * by the caller across searches (checkSeeds: each thread compiles the
   * checker once); `workers` is then the pool's.
   */
  pool?: SearchPool;
}

export interface ExploreStats {
  /** Generated runs of the search (at most the budget). */
  runs: number;
  /** Replays of shrinking and 1-minimisation. */
  shrinkRuns: number;
  steps: number;
  invariantChecks: number;
}

export interface ExploreResult extends ExploreStats {
  counterexample: Counterexample | null;
  /** The search stopped because `interrupted` said so: the result is no verdict. */
  interrupted: boolean;
  /** Runs until the first violation (the search phase only). */
  runsToDetection: number | null;
  /** Wall time until the first violation. */
  msToDetection: number | null;
}

/** Fewest operations, then preemptions, then context switches, then atomic steps. */
function smaller(a: Counterexample, b: Counterexample): boolean {
  const switches = (cx: Counterexample) => cx.schedule.filter((st, i) => i > 0 && st.thread !== cx.schedule[i - 1]!.thread).length;
  const size = (cx: Counterexample) => [cx.trace.setup.length + cx.trace.threads.reduce((n, t) => n + t.ops.length, 0), cx.trace.preemptions.length, switches(cx), cx.schedule.length];
  const [x, y] = [size(a), size(b)];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]!;
  return false;
}

export function explore(o: ExploreOptions): ExploreResult {
  const workers = o.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`explore: workers must be a positive integer, not ${workers}`);
  if (o.observe && (workers > 1 || o.pool !== undefined)) throw new Error("explore: observers run on this thread only (workers 1)");
  const depth = o.depth ?? 3;
  const settings: SampledSettings = { scheduler: o.scheduler, depth, budget: o.budget ?? DEFAULT_BUDGET, tso: o.tso ?? false, full: o.full ?? false };
  if (o.pool !== undefined) {
    if (!o.pool.serves(o.variant, settings) || (o.workers !== undefined && o.workers !== o.pool.threads)) throw new Error("explore: the pool given was started for another variant, other settings or another number of threads");
    return exploreOn(o, settings, o.pool);
  }
  const pool = workers > 1 ? new SearchPool(o.variant, settings, workers) : null;
  try {
    return exploreOn(o, settings, pool);
  } finally {
    pool?.close();
  }
}

function exploreOn(o: ExploreOptions, settings: SampledSettings, pool: SearchPool | null): ExploreResult {
  const stats: ExploreStats = { runs: 0, shrinkRuns: 0, steps: 0, invariantChecks: 0 };
  const base = { budget: settings.budget, tso: settings.tso, full: settings.full };
  const interrupted = o.interrupted ?? (() => false);
  const every = Math.max(1, Math.floor(o.runs / 100));
  let violations = 0;
  const tell = (phase: Progress["phase"], done: number, budget: number) => o.progress?.({ phase, done, budget, violations });
  const measure = (r: ReturnType<typeof runTrace>): TraceResult => {
    stats.steps += r.result.steps;
    stats.invariantChecks += r.checker.checks;
    return r.result;
  };
  const searchRun = (g: GeneratedRun): TraceResult => {
    if (interrupted()) throw new Interrupted();
    stats.runs++;
    if (stats.runs % every === 0) tell("concurrent", stats.runs, o.runs);
    const observers = o.observe?.();
    return measure(sampledRun(o.variant, settings, g, observers));
  };
  /** A replay of shrinking or 1-minimisation, under `opts` (the search's, or sequential consistency for an SC form). */
  const shrinkRunUnder = (opts: typeof base) => (t: Trace): TraceResult => {
    if (interrupted()) throw new Interrupted();
    stats.shrinkRuns++;
    return measure(runTrace(t, o.variant, opts));
  };
  const shrinkRun = shrinkRunUnder(base);

  /** Runs of a search from stats.runs on, as the progress hook counts them (about every 1% of the budget). */
  const progressFrom = (before: number) => {
    let told = Math.floor(before / every);
    return (done: number) => {
      if (Math.floor((before + done) / every) === told) return;
      told = Math.floor((before + done) / every);
      tell("concurrent", before + done, o.runs);
    };
  };

  /** Generated runs from `seed` until the first violation, at most numRuns: on this thread, or on the pool's. */
  const search = (seed: number, numRuns: number): { g: GeneratedRun; r: TraceResult } | null => {
    let r: TraceResult | null = null;
    if (pool === null) {
      const hit = firstFailing(o.variant, seed, 0, numRuns, (g) => (r = searchRun(g)).violation === null);
      return hit === null ? null : { g: hit.g, r: r! };
    }
    const p = pool.search(seed, numRuns, interrupted, progressFrom(stats.runs));
    stats.runs += p.runs;
    stats.steps += p.steps;
    stats.invariantChecks += p.checks;
    if (p.interrupted) throw new Interrupted();
    if (p.failedAt === null) return null;
    // The failing run again on this thread, for its trace (a worker counted it already).
    const hit = firstFailing(o.variant, seed, p.failedAt, 1, (g) => (r = sampledRun(o.variant, settings, g).result).violation === null);
    if (hit === null) throw new Error(`explore: run ${p.failedAt} of seed ${seed} failed on a worker but not here`);
    return { g: hit.g, r: r! };
  };
  const result = (cx: Counterexample | null, wasInterrupted: boolean, runsToDetection: number | null, msToDetection: number | null): ExploreResult => ({ ...stats, counterexample: cx, interrupted: wasInterrupted, runsToDetection, msToDetection });

  const t0 = Date.now();
  tell("concurrent", 0, o.runs);
  let first;
  try {
    first = search(o.seed, o.runs);
  } catch (e) {
    if (e instanceof Interrupted) return result(null, true, null, null);
    throw e;
  }
  if (first === null) return result(null, false, null, null);
  violations++;
  const runsToDetection = stats.runs;
  const msToDetection = Date.now() - t0;
  const mutant = o.variant.mutant ? { mutant: o.variant.mutant.name } : {};
  const scRun = shrinkRunUnder({ ...base, tso: false });
  // Under x86-TSO, a run that needed no store buffer is reported in its
  // sequentially consistent form (checker/search/sc_form.ts), made 1-minimal
  // again as such when `again` says so: its replay then runs as saved.
  const report = (t: Trace, r: TraceResult, again = false): Counterexample => {
    const sc = o.tso ? scForm(t, r.trace, r, r.violation!.invariant, o.variant) : null;
    if (sc === null) return toCounterexample(t, r.trace, r.violation!, r.failedAt, { ...mutant, ...(o.tso ? { tso: true } : {}) });
    const m = again ? minimize(sc.trace, scRun, o.variant.subject.configShrinks) : { trace: sc.trace, result: sc.result };
    return toCounterexample(m.trace, m.result.trace, m.result.violation!, m.result.failedAt, mutant);
  };
  let best = report(canonical(first.g.trace, first.r), first.r);
  o.found?.(best);

  try {
    // A few more failing runs from further seeds, within what is left of the budget.
    const candidates = [first];
    const more = Math.min(5000, Math.max(200, 3 * runsToDetection));
    for (let k = 1; k <= (o.candidates ?? 3) && stats.runs < o.runs; k++) {
      const c = search(o.seed + k * 7919, Math.min(more, o.runs - stats.runs));
      if (c !== null) {
        candidates.push(c);
        violations++;
      }
    }
    // Each shrunk by fast-check and made 1-minimal; the smallest is reported.
    let shrunk = 0;
    for (const c of candidates) {
      tell("shrinking", shrunk++, candidates.length);
      const cx = shrinkAndMinimize(o.variant, o.seed, canonical(c.g.trace, c.r), shrinkRun, report);
      if (shrunk === 1 || smaller(cx, best)) {
        best = cx;
        o.found?.(best);
      }
    }
  } catch (e) {
    if (e instanceof Interrupted) return result(best, true, runsToDetection, msToDetection);
    throw e;
  }
  return result(best, false, runsToDetection, msToDetection);
}

/** fast-check shrinks the run written as preemptions, then minimize makes it 1-minimal. */
function shrinkAndMinimize(variant: Variant, seed: number, start: Trace, run: (t: Trace) => TraceResult, report: (t: Trace, r: TraceResult, again?: boolean) => Counterexample): Counterexample {
  let shrunk: Trace = start;
  const again = fc.property(variant.subject.runArb(variant), (g) => {
    const r = run(g.trace);
    if (r.violation !== null) shrunk = canonical(g.trace, r);
    return r.violation === null;
  });
  const out = fc.check(again, { seed, numRuns: 1, examples: [[{ trace: start, seed: 0 }]] });
  if (out.errorInstance instanceof Interrupted) throw out.errorInstance;
  const m = minimize(shrunk, run, variant.subject.configShrinks);
  return report(m.trace, m.result, true);
}
