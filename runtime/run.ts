/**
 * The run loop: choose a runnable thread, perform its step, until every thread
 * is done, a step fails, no thread can run (Deadlock) or the step budget is
 * spent (Livelock). Records every step as (thread, label) and the run as
 * "default plus preemptions", so that any run can be saved, replayed and
 * shrunk. A failure is returned as what was thrown; the engine names no
 * invariant (the checker does).
 */
import { Deadlock, Livelock } from "./errors";
import type { Machine } from "./machine";
import { type Decision, defaultChoice, type Preemption, type Scheduler } from "./scheduler";
import { mkStep } from "./step";
import { Thread } from "./thread";

/** One executed step of a run: what a schedule, a counterexample file and replay are made of. */
export interface TraceStep {
  thread: number;
  label: string;
  /** Index of the thread's operation this step belongs to (for printing; replay ignores it). */
  op?: number;
}

export interface RunResult {
  /** What stopped the run (an engine error, or whatever an observer or the code under test threw); null: none. */
  failure: unknown;
  /** Index in `trace` of the step that failed (null: at quiescence, at start, or none). */
  failedAt: number | null;
  trace: TraceStep[];
  preemptions: Preemption[];
  steps: number;
  /**
   * x86-TSO only (else empty): the steps (indices in `trace`) whose store went
   * into the thread's store buffer instead of memory, and those of them whose
   * store was still buffered when the run ended or failed.
   */
  buffered: number[];
  stillBuffered: number[];
  /** x86-TSO only: reads of a word another thread had a store to still in its buffer (the read saw memory). */
  missed: Array<{ load: number; store: number }>;
}

/** Called just before and just after a thread's step (not a store-buffer drain): brackets what the step touches. */
export interface StepHooks {
  before(t: Thread): void;
  after(t: Thread): void;
}

export function runThreads(m: Machine, scheduler: Scheduler, budget: number, atQuiescence: () => void, hooks?: StepHooks): RunResult {
  const trace: TraceStep[] = [];
  const preemptions: Preemption[] = [];
  // x86-TSO: which step put each store-buffer entry there.
  const bufferedBy = new Map<object, number>();
  const buffered: number[] = [];
  const noteBuffered = (t: Thread, at: number): void => {
    for (const e of t.storeBuffer) {
      if (bufferedBy.has(e)) continue;
      bufferedBy.set(e, at);
      buffered.push(at);
    }
  };
  const stillBuffered = (): number[] =>
    m.threads
      .flatMap((t) => t.storeBuffer.map((e) => bufferedBy.get(e)))
      .filter((i): i is number => i !== undefined)
      .sort((a, b) => a - b);
  const missed: Array<{ load: number; store: number }> = [];
  const noteMissed = (t: Thread, at: number): void => {
    const s = t.pending!;
    if (s.op !== "load" && s.op !== "wait_while" && s.op !== "wait_until") return;
    for (const u of m.threads) {
      if (u === t) continue;
      for (const e of u.storeBuffer) {
        const store = bufferedBy.get(e);
        if (e.addr === s.addr && store !== undefined) missed.push({ load: at, store });
      }
    }
  };
  const result = (failure: unknown, failedAt: number | null): RunResult => ({ failure, failedAt, trace, preemptions, steps: trace.length, buffered, stillBuffered: m.tso ? stillBuffered() : [], missed });
  try {
    m.start();
  } catch (e) {
    return result(e, null);
  }
  // x86-TSO: each thread's store buffer is a pseudo-thread (id n + i) whose one
  // step commits the oldest buffered store; the scheduler decides when.
  const n = m.threads.length;
  const buffers = m.tso ? m.threads.map((t) => new Thread(n + t.id, `${t.name}:sb`, [])) : [];
  let current = m.threads[0]!;
  for (;;) {
    const runnable = m.runnableThreads();
    for (const b of buffers) {
      const owner = m.threads[b.id - n]!;
      const sb = owner.storeBuffer;
      b.pending = sb.length > 0 ? mkStep("store", sb[0]!.addr, null, sb[0]!.val, 0, `${owner.name} store buffer: commit "${sb[0]!.label}"`) : null;
      if (b.pending !== null) runnable.push(b);
    }
    if (runnable.length === 0) {
      if (!m.allDone()) {
        const stuck = m.threads.filter((t) => !t.done).map((t) => `${t.name} at "${t.pending!.label}"`);
        return result(new Deadlock(`no thread can run: ${stuck.join("; ")}`), null);
      }
      try {
        atQuiescence();
      } catch (e) {
        return result(e, null);
      }
      return result(null, null);
    }
    if (trace.length >= budget) {
      return result(new Livelock(`the run did not finish within ${budget} steps`), trace.length - 1);
    }
    let dflt = current;
    if (!runnable.includes(current)) {
      const id = defaultChoice(current.id, runnable.map((x) => x.id), n);
      dflt = runnable.find((x) => x.id === id)!;
    }
    const d: Decision = { m, runnable, current, dflt };
    const t = scheduler.pick(d);
    if (t !== dflt) preemptions.push({ thread: current.id, after: current.steps, to: t.id });
    // A commit belongs to the operation its thread is in.
    trace.push({ thread: t.id, label: t.pending!.label, op: t.id >= n ? m.threads[t.id - n]!.opIndex : t.opIndex });
    try {
      if (t.id >= n) {
        // A commit is a step of its own: the hooks bracket what it touches (the exhaustive explorer's footprint).
        hooks?.before(t);
        m.drainOne(m.threads[t.id - n]!);
        t.steps++;
        hooks?.after(t);
      } else {
        if (m.tso) noteMissed(t, trace.length - 1);
        hooks?.before(t);
        m.step(t);
        hooks?.after(t);
        if (m.tso) noteBuffered(t, trace.length - 1);
      }
    } catch (e) {
      return result(e, trace.length - 1);
    }
    current = t;
  }
}
