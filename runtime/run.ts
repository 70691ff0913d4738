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
import type { Step } from "./step";
import { Thread } from "./thread";
import { asViolation, Violation } from "./violation";

function storeStep(label: string): Step {
  return { op: "store", addr: 0, kind: null, val: 0, cmp: 0, label };
}

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
  // x86-TSO: each thread's store buffer is a pseudo-thread (id n + i) whose one
  // step commits the oldest buffered store; the scheduler decides when.
  const n = m.threads.length;
  const buffers = m.tso ? m.threads.map((t) => new Thread(n + t.id, `${t.name}:sb`, [])) : [];
  let current = m.threads[0]!;
  for (;;) {
    const runnable = m.runnableThreads();
    for (const b of buffers) {
      const sb = m.threads[b.id - n]!.storeBuffer;
      b.pending = sb.length > 0 ? storeStep(`${m.threads[b.id - n]!.name} store buffer: commit "${sb[0]!.label}"`) : null;
      if (b.pending !== null) runnable.push(b);
    }
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
      if (t.id >= n) {
        m.drainOne(m.threads[t.id - n]!);
        t.steps++;
      } else m.step(t);
    } catch (e) {
      return result(asViolation(e), trace.length - 1);
    }
    current = t;
  }
}
