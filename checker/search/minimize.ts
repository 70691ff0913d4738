/**
 * 1-minimal counterexamples. Starting from a failing trace written as
 * "default plus preemptions", repeatedly try removing one operation (set-up or
 * thread) or one preemption, keeping any removal after which the run still
 * fails, until none can be removed. At the end, removing any single operation
 * or any single preemption makes the run pass: isOneMinimal checks exactly
 * that, and a test checks it on every mutant.
 */
import type { TraceStep } from "../../runtime/run";
import type { Trace, TraceResult } from "./trace";

export type Runner = (t: Trace) => TraceResult;

/** The trace with its preemptions replaced by those the run actually took. */
export function canonical(t: Trace, r: TraceResult): Trace {
  return { ...t, preemptions: r.preemptions.map((p) => ({ ...p })) };
}

/**
 * Every trace one removal away: each set-up op, each thread op, each
 * preemption. When `steps` (the last run) is given, removing a thread's
 * operation also moves that thread's later preemptions back by the steps the
 * operation took, so they still land on the same code.
 */
export function oneRemovals(t: Trace, steps?: readonly TraceStep[]): Trace[] {
  const out: Trace[] = [];
  t.setup.forEach((_, i) => out.push({ ...t, setup: t.setup.filter((__, j) => j !== i) }));
  t.threads.forEach((th, ti) =>
    th.ops.forEach((_, i) => {
      const threads = t.threads.map((x, tj) => (tj === ti ? { ...x, ops: x.ops.filter((__, j) => j !== i) } : x));
      out.push({ ...t, threads });
      if (steps === undefined) return;
      const mine = steps.filter((s) => s.thread === ti);
      const before = mine.filter((s) => (s.op ?? 0) < i).length;
      const taken = mine.filter((s) => s.op === i).length;
      if (taken === 0 || !t.preemptions.some((p) => p.thread === ti && p.after > before)) return;
      const preemptions = t.preemptions.map((p) => (p.thread === ti && p.after > before ? { ...p, after: Math.max(before, p.after - taken) } : p));
      out.push({ ...t, threads, preemptions });
    }),
  );
  t.preemptions.forEach((_, i) => out.push({ ...t, preemptions: t.preemptions.filter((__, j) => j !== i) }));
  return out;
}

export interface Minimized {
  trace: Trace;
  result: TraceResult;
  /** Runs spent minimizing. */
  runs: number;
}

/**
 * Simplifications that remove nothing: a preemption switching to a
 * lower-numbered thread instead (it may let an operation of the old target go).
 * Thread ids only decrease, so this terminates.
 */
export function retargets(t: Trace): Trace[] {
  const out: Trace[] = [];
  t.preemptions.forEach((p, i) => {
    for (let to = 0; to < p.to; to++) {
      if (to !== p.thread) out.push({ ...t, preemptions: t.preemptions.map((q, j) => (j === i ? { ...q, to } : q)) });
    }
  });
  return out;
}

/** `configShrinks`: the subject's smaller configurations of a trace (sizes only decrease). */
export function minimize(start: Trace, run: Runner, configShrinks: (t: Trace) => Trace[] = () => []): Minimized {
  let result = run(start);
  if (result.violation === null) throw new Error("minimize: the starting trace does not fail");
  let trace = canonical(start, result);
  let runs = 1;
  for (let changed = true; changed; ) {
    changed = false;
    for (const cand of [...oneRemovals(trace, result.trace), ...retargets(trace), ...configShrinks(trace)]) {
      const r = run(cand);
      runs++;
      if (r.violation !== null) {
        trace = canonical(cand, r);
        result = r;
        changed = true;
        break;
      }
    }
  }
  return { trace, result, runs };
}

/**
 * Does removing any single operation or preemption make the run pass? (Plain
 * removals: preemptions keep their step counts.)
 */
export function isOneMinimal(t: Trace, run: Runner): boolean {
  return oneRemovals(t).every((c) => run(c).violation === null);
}
