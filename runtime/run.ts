/**
 * The run loop: choose a runnable thread, perform its step, until every thread
 * is done, a violation is found, no thread can run (deadlock) or the step
 * budget is spent (livelock). Records every step as (thread, label) and the
 * run as "default plus preemptions", so that any run can be saved, replayed
 * and shrunk.
 */
import type { Machine } from "./machine";
import type { Decision, Preemption, Scheduler } from "./scheduler";
import type { TraceStep } from "./schedulers/replay";
import { asViolation, Violation } from "./violation";

export interface RunResult {
  violation: Violation | null;
  /** Index in `trace` of the step that failed (null: at quiescence or none). */
  failedAt: number | null;
  trace: TraceStep[];
  preemptions: Preemption[];
  steps: number;
}

export function runThreads(m: Machine, scheduler: Scheduler, budget: number, atQuiescence: () => void): RunResult {
  const trace: TraceStep[] = [];
  const preemptions: Preemption[] = [];
  const result = (violation: Violation | null, failedAt: number | null): RunResult => ({ violation, failedAt, trace, preemptions, steps: trace.length });
  try {
    m.start();
  } catch (e) {
    return result(asViolation(e), null);
  }
  let current = m.threads[0]!;
  for (;;) {
    const runnable = m.runnableThreads();
    if (runnable.length === 0) {
      if (!m.allDone()) {
        const stuck = m.threads.filter((t) => !t.done).map((t) => `${t.name} at "${t.pending!.label}"`);
        return result(new Violation("DEADLOCK", `no thread can run: ${stuck.join("; ")}`), null);
      }
      try {
        atQuiescence();
      } catch (e) {
        return result(asViolation(e), null);
      }
      return result(null, null);
    }
    if (trace.length >= budget) {
      return result(new Violation("LIVELOCK", `the run did not finish within ${budget} steps`), trace.length - 1);
    }
    const dflt = runnable.includes(current) ? current : runnable[0]!;
    const d: Decision = { m, runnable, current, dflt };
    const t = scheduler.pick(d);
    if (t !== dflt) preemptions.push({ thread: current.id, after: current.steps, to: t.id });
    trace.push({ thread: t.id, label: t.pending!.label, op: t.opIndex });
    try {
      m.step(t);
    } catch (e) {
      return result(asViolation(e), trace.length - 1);
    }
    current = t;
  }
}
