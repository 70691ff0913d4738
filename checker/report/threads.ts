/**
 * Who ran a step of a counterexample, by thread number: the trace's threads
 * (0..n-1), then the design's executor threads (runtime/deferral.ts: softirq,
 * kworker), then under x86-TSO one store-buffer pseudo-thread per thread
 * (runtime/run.ts). Both text reports name and place steps through this.
 */
import { threadName, type Trace } from "../search/trace";
import { engineThreadsOf, type Subject } from "../subject";

export interface ThreadNames {
  /** Threads of the trace. */
  readonly n: number;
  /** Threads of the run: the trace's and the executors. */
  readonly all: number;
  /** The thread whose column a step of `thread` goes in (a store buffer's commits go in its CPU's). */
  column(thread: number): number;
  /** "CPU<i>", an executor's name, or "CPU<i>:sb" (narrow report). */
  cpu(thread: number): string;
  /** The column's header: "T<i>:<role>" or the executor's name (wide report). */
  header(column: number): string;
}

export function threadNames(t: Trace, subject: Subject): ThreadNames {
  const n = t.threads.length;
  const ex = engineThreadsOf(subject, t.design);
  const all = n + ex.length;
  const base = (i: number): string => (i < n ? `CPU${i}` : ex[i - n]!);
  return {
    n,
    all,
    column: (thread) => (thread < all ? thread : thread - all),
    cpu: (thread) => (thread < all ? base(thread) : `${base(thread - all)}:sb`),
    header: (c) => (c < n ? threadName(t.threads[c]!.role, c) : ex[c - n]!),
  };
}
