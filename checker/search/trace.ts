/**
 * Running a trace (checker/subject.ts Trace) of any subject: its set-up alone,
 * then the threads under a scheduler, with the subject's checker after every
 * step and at quiescence. The engine's failure comes back named as a
 * violation.
 */
import type { Observer } from "../../runtime/machine";
import { type RunResult, runThreads } from "../../runtime/run";
import type { Scheduler } from "../../runtime/scheduler";
import { PreemptiveScheduler } from "../../runtime/schedulers/preemptive";
import type { RunChecker, Trace, Variant } from "../subject";
import { type Violation, violationOf } from "../violation";

export type { ThreadSpec, Trace } from "../subject";

export interface RunOptions {
  /** Default: the trace's own preemptions. */
  scheduler?: Scheduler;
  /** false: run without the checker (the benchmark's bare stepping). */
  check?: boolean;
  budget?: number;
  full?: boolean;
  tso?: boolean;
  /** More observers of the interleaved phase (after the checker), e.g. a benchmark's window watcher. */
  observers?: readonly Observer[];
}

/** A run of a trace: the engine's result (runtime/run.ts RunResult) with its failure named as a violation. */
export interface TraceResult extends Omit<RunResult, "failure"> {
  violation: Violation | null;
}

export interface TraceRun {
  result: TraceResult;
  /** Wall time of the interleaved phase (after the set-up), in nanoseconds. */
  threadedNs: number;
  checker: RunChecker;
}

export const DEFAULT_BUDGET = 5000;

/** A thread's name in reports: its index and role. */
export function threadName(role: string, i: number): string {
  return `T${i}:${role}`;
}

/** Run a trace of `variant`: set-up alone, then the threads under the scheduler, checked after every step. */
export function runTrace(trace: Trace, variant: Variant, opts: RunOptions = {}): TraceRun {
  const built = variant.subject.build(trace, variant, { tso: opts.tso ?? false, full: opts.full ?? false });
  const m = built.machine;
  if (opts.check !== false) m.observers.push(built.checker);
  try {
    built.setup();
  } catch (e) {
    return { result: { violation: violationOf(e), failedAt: null, trace: [], preemptions: [], steps: 0, buffered: [], stillBuffered: [], missed: [] }, threadedNs: 0, checker: built.checker };
  }
  m.stepIndex = 0;
  if (opts.observers) m.observers.push(...opts.observers);
  const scheduler = opts.scheduler ?? new PreemptiveScheduler(trace.preemptions);
  const t0 = process.hrtime.bigint();
  const r = runThreads(m, scheduler, opts.budget ?? DEFAULT_BUDGET, () => {
    if (opts.check !== false) built.checker.atQuiescence();
  });
  const threadedNs = Number(process.hrtime.bigint() - t0);
  // RunResult's fields less `failure`, in its order, then the violation (an object rest pattern costs
  // a runtime call per run).
  const result: TraceResult = {
    failedAt: r.failedAt,
    trace: r.trace,
    preemptions: r.preemptions,
    steps: r.steps,
    buffered: r.buffered,
    stillBuffered: r.stillBuffered,
    missed: r.missed,
    violation: violationOf(r.failure),
  };
  return { result, threadedNs, checker: built.checker };
}
