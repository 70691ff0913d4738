/**
 * An x86-TSO run that never depended on a store buffer, in its sequentially
 * consistent form.
 *
 * Contract: a run under x86-TSO in which no load missed another CPU's
 * buffered store and no store was still buffered when it stopped reads the
 * same values as the run with each commit moved to just after its store, that
 * is, the sequentially consistent run of the same steps with the commit steps
 * left out. Such a counterexample is shown, saved and replayed in that form:
 * `--replay` refuses a file that says x86-TSO while its schedule needs no
 * buffer (checker/jobs/replay.ts), so a search under `--tso` must never
 * write one. The form is kept only when the sequentially consistent run
 * really fails with the same invariant (checked by running it, not argued);
 * otherwise the x86-TSO form stands.
 */
import type { TraceStep } from "../../runtime/run";
import { ReplayDivergence, ReplayScheduler } from "../../runtime/schedulers/replay";
import { engineThreadsOf, type Trace, type Variant } from "../subject";
import { canonical } from "./minimize";
import { runTrace, type TraceResult } from "./trace";

/** Did an x86-TSO run depend on its store buffers? */
export function usesStoreBuffers(run: Pick<TraceResult, "missed" | "stillBuffered">): boolean {
  return run.missed.length > 0 || run.stillBuffered.length > 0;
}

/** The CPU threads of a trace (operation threads and the design's engine threads); store buffers come after them. */
export function cpuThreads(trace: Trace, variant: Variant): number {
  return trace.threads.length + engineThreadsOf(variant.subject, trace.design).length;
}

export interface ScForm {
  /** The trace with the preemptions of the sequentially consistent run. */
  trace: Trace;
  result: TraceResult;
}

/**
 * The sequentially consistent form of an x86-TSO run of `trace` that executed
 * `schedule` and failed with `invariant`: null when the run used a store
 * buffer, or when the same steps without their commits do not fail with the
 * same invariant under sequential consistency.
 */
export function scForm(trace: Trace, schedule: readonly TraceStep[], tsoRun: Pick<TraceResult, "missed" | "stillBuffered">, invariant: string, variant: Variant): ScForm | null {
  if (usesStoreBuffers(tsoRun)) return null;
  const cpus = cpuThreads(trace, variant);
  const steps = schedule.filter((s) => s.thread < cpus);
  let result: TraceResult;
  try {
    result = runTrace(trace, variant, { scheduler: new ReplayScheduler(steps), tso: false }).result;
  } catch (e) {
    if (e instanceof ReplayDivergence) return null;
    throw e;
  }
  if (result.violation?.invariant !== invariant) return null;
  return { trace: canonical(trace, result), result };
}
