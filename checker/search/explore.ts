/**
 * The concurrency check: generate traces with fast-check, run each under a
 * scheduler (PCT by default) with every invariant checked after every step;
 * on the first violation, write the run as "default plus preemptions", let
 * fast-check shrink it (configuration, set-up, operations and preemptions
 * together), then make it 1-minimal. Deterministic for a given seed.
 */
import fc from "fast-check";
import type { Scheduler } from "../../runtime/scheduler";
import { ConflictDirectedScheduler } from "../../runtime/schedulers/conflict";
import { PctScheduler } from "../../runtime/schedulers/pct";
import { RandomScheduler } from "../../runtime/schedulers/random";
import { type Counterexample, toCounterexample } from "../report/counterexample";
import type { GeneratedRun, Variant } from "../subject";
import { canonical, minimize } from "./minimize";
import { DEFAULT_BUDGET, runTrace, type Trace, type TraceResult } from "./trace";

export type SchedulerName = "pct" | "random" | "preemptions";

export interface ExploreOptions {
  variant: Variant;
  seed: number;
  runs: number;
  scheduler: SchedulerName;
  /** PCT depth (bug depth it targets). */
  depth?: number;
  budget?: number;
  tso?: boolean;
  full?: boolean;
  /** Called every `every` runs with the totals so far. */
  progress?: (s: ExploreStats) => void;
  every?: number;
  /** Called with each better counterexample as it is found and shrunk (so an interrupted run keeps it). */
  found?: (cx: Counterexample) => void;
  /** Further failing runs to look for after the first, keeping the shortest counterexample (default 3). */
  candidates?: number;
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
  /** Wall time until the first violation. */
  msToDetection: number | null;
}

/** PCT or random, with conflict-directed preemption on top; "preemptions": the trace's own. */
export function schedulerFor(name: SchedulerName, seed: number, depth: number, v: Variant): Scheduler | undefined {
  if (name === "pct") return new ConflictDirectedScheduler(new PctScheduler(seed, v.subject.roles.length, depth, v.subject.pctSteps), seed);
  if (name === "random") return new ConflictDirectedScheduler(new RandomScheduler(seed), seed);
  return undefined;
}

export function explore(o: ExploreOptions): ExploreResult {
  const stats: ExploreStats = { runs: 0, steps: 0, invariantChecks: 0 };
  const depth = o.depth ?? 3;
  const base = { budget: o.budget ?? DEFAULT_BUDGET, tso: o.tso ?? false, full: o.full ?? false };
  const count = (r: ReturnType<typeof runTrace>): TraceResult => {
    stats.runs++;
    stats.steps += r.result.steps;
    stats.invariantChecks += r.checker.checks;
    if (o.progress && o.every && stats.runs % o.every === 0) o.progress({ ...stats });
    return r.result;
  };
  const runWith = (g: GeneratedRun, sched: Scheduler | undefined): TraceResult => count(runTrace(g.trace, o.variant, { ...base, scheduler: sched }));
  const replayPreemptions = (t: Trace): TraceResult => count(runTrace(t, o.variant, base));

  // 1. Search until the first violation.
  const search = (seed: number, numRuns: number): { g: GeneratedRun; r: TraceResult } | null => {
    let hit: { g: GeneratedRun; r: TraceResult } | null = null;
    const prop = fc.property(o.variant.subject.runArb(o.variant), (g) => {
      const r = runWith(g, schedulerFor(o.scheduler, g.seed, depth, o.variant));
      if (r.violation !== null) hit = { g, r };
      return r.violation === null;
    });
    fc.check(prop, { seed, numRuns, endOnFailure: true });
    return hit;
  };
  const t0 = Date.now();
  const first = search(o.seed, o.runs);
  if (first === null) return { ...stats, counterexample: null, runsToDetection: null, msToDetection: null };
  const runsToDetection = stats.runs;
  const msToDetection = Date.now() - t0;
  const extra = { ...(o.variant.mutant ? { mutant: o.variant.mutant.name } : {}), ...(o.tso ? { tso: true } : {}) };
  const report = (t: Trace, r: TraceResult): Counterexample => toCounterexample(t, r.trace, r.violation!, r.failedAt, extra);
  o.found?.(report(canonical(first.g.trace, first.r), first.r));

  // 2. A few more failing runs from further seeds, each shrunk by fast-check and
  //    made 1-minimal; the smallest is reported: fewest operations, then
  //    preemptions, then context switches, then atomic steps.
  const candidates = [first];
  const more = Math.min(5000, Math.max(200, 3 * runsToDetection));
  for (let k = 1; k <= (o.candidates ?? 3); k++) {
    const c = search(o.seed + k * 7919, more);
    if (c !== null) candidates.push(c);
  }
  let best: Counterexample | null = null;
  const switches = (cx: Counterexample) => cx.schedule.filter((st, i) => i > 0 && st.thread !== cx.schedule[i - 1]!.thread).length;
  const size = (cx: Counterexample) => [cx.trace.setup.length + cx.trace.threads.reduce((n, t) => n + t.ops.length, 0), cx.trace.preemptions.length, switches(cx), cx.schedule.length];
  const smaller = (a: Counterexample, b: Counterexample) => {
    const [x, y] = [size(a), size(b)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]!;
    return false;
  };
  for (const c of candidates) {
    const cx = shrinkAndMinimize(o.variant, o.seed, canonical(c.g.trace, c.r), replayPreemptions, report);
    if (best === null || smaller(cx, best)) {
      best = cx;
      o.found?.(best);
    }
  }
  return { ...stats, counterexample: best, runsToDetection, msToDetection };
}

/** fast-check shrinks the run written as preemptions, then minimize makes it 1-minimal. */
function shrinkAndMinimize(variant: Variant, seed: number, start: Trace, run: (t: Trace) => TraceResult, report: (t: Trace, r: TraceResult) => Counterexample): Counterexample {
  let shrunk: Trace = start;
  const again = fc.property(variant.subject.runArb(variant), (g) => {
    const r = run(g.trace);
    if (r.violation !== null) shrunk = canonical(g.trace, r);
    return r.violation === null;
  });
  fc.check(again, { seed, numRuns: 1, examples: [[{ trace: start, seed: 0 }]] });
  const m = minimize(shrunk, run, variant.subject.configShrinks);
  return report(m.trace, m.result);
}
