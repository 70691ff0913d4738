/**
 * The concurrency check: generate traces with fast-check, run each under a
 * scheduler (PCT by default) with every invariant checked after every step;
 * on the first violation, write the run as "default plus preemptions", let
 * fast-check shrink it (configuration, set-up, operations and preemptions
 * together), then make it 1-minimal. Deterministic for a given seed.
 */
import fc from "fast-check";
import type { Symbols } from "../impl/symbols";
import { ConflictDirectedScheduler } from "../runtime/schedulers/conflict";
import { PctScheduler } from "../runtime/schedulers/pct";
import { RandomScheduler } from "../runtime/schedulers/random";
import type { RunResult } from "../runtime/run";
import type { Scheduler } from "../runtime/scheduler";
import { runArb, ROLES, type GeneratedRun } from "./concurrent_arbitraries";
import { type Counterexample, toCounterexample } from "./counterexample";
import { canonical, minimize } from "./minimize";
import { DEFAULT_BUDGET, runTrace, type Trace } from "./trace";

export type SchedulerName = "pct" | "random" | "preemptions";

export interface ExploreOptions {
  design: string;
  seed: number;
  runs: number;
  scheduler: SchedulerName;
  /** PCT depth (bug depth it targets). */
  depth?: number;
  budget?: number;
  tso?: boolean;
  full?: boolean;
  mutant?: { name: string; overrides: Partial<Symbols> };
  /** Called every `every` runs with the totals so far. */
  progress?: (s: ExploreStats) => void;
  every?: number;
  /** Called with each better counterexample as it is found and shrunk (so an interrupted run keeps it). */
  found?: (cx: Counterexample) => void;
}

export interface ExploreStats {
  runs: number;
  steps: number;
  invariantChecks: number;
}

export interface ExploreResult extends ExploreStats {
  counterexample: Counterexample | null;
  /** Runs until the first violation (the search phase only). */
  runsToDetection: number | null;
}

/** PCT's k: a step count a bit above a typical run's. */
const PCT_STEPS = 160;

/** PCT or random, with conflict-directed preemption on top; "preemptions": the trace's own. */
export function schedulerFor(name: SchedulerName, seed: number, depth: number): Scheduler | undefined {
  if (name === "pct") return new ConflictDirectedScheduler(new PctScheduler(seed, ROLES.length, depth, PCT_STEPS), seed);
  if (name === "random") return new ConflictDirectedScheduler(new RandomScheduler(seed), seed);
  return undefined;
}

export function explore(o: ExploreOptions): ExploreResult {
  const stats: ExploreStats = { runs: 0, steps: 0, invariantChecks: 0 };
  const depth = o.depth ?? 3;
  const base = { budget: o.budget ?? DEFAULT_BUDGET, tso: o.tso ?? false, full: o.full ?? false, overrides: o.mutant?.overrides ?? {} };
  const count = (r: ReturnType<typeof runTrace>): RunResult => {
    stats.runs++;
    stats.steps += r.result.steps;
    stats.invariantChecks += r.checker.checks;
    if (o.progress && o.every && stats.runs % o.every === 0) o.progress({ ...stats });
    return r.result;
  };
  const runWith = (g: GeneratedRun, sched: Scheduler | undefined): RunResult => count(runTrace(g.trace, { ...base, scheduler: sched }));
  const replayPreemptions = (t: Trace): RunResult => count(runTrace(t, base));

  // 1. Search.
  let first: { g: GeneratedRun; r: RunResult } | null = null;
  const search = fc.property(runArb(o.design), (g) => {
    const r = runWith(g, schedulerFor(o.scheduler, g.seed, depth));
    if (r.violation !== null) first = { g, r };
    return r.violation === null;
  });
  fc.check(search, { seed: o.seed, numRuns: o.runs, endOnFailure: true });
  if (first === null) return { ...stats, counterexample: null, runsToDetection: null };
  const found: { g: GeneratedRun; r: RunResult } = first;
  const runsToDetection = stats.runs;
  const extra = { ...(o.mutant ? { mutant: o.mutant.name } : {}), ...(o.tso ? { tso: true } : {}) };
  const report = (t: Trace, r: RunResult): Counterexample => toCounterexample(t, r.trace, r.violation!, r.failedAt, extra);
  let trace = canonical(found.g.trace, found.r);
  o.found?.(report(trace, found.r));

  // 2. fast-check shrinks the run written as preemptions.
  let shrunk: Trace = trace;
  const again = fc.property(runArb(o.design), (g) => {
    const r = replayPreemptions(g.trace);
    if (r.violation !== null) shrunk = canonical(g.trace, r);
    return r.violation === null;
  });
  fc.check(again, { seed: o.seed, numRuns: 1, examples: [[{ trace, seed: 0 }]] });
  trace = shrunk;

  // 3. 1-minimal.
  const m = minimize(trace, replayPreemptions);
  const cx = report(m.trace, m.result);
  o.found?.(cx);
  return { ...stats, counterexample: cx, runsToDetection };
}
