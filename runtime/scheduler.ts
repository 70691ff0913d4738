/**
 * The scheduler interface (one file per strategy in schedulers/). At each
 * decision the runner gives the runnable threads, the thread that ran last
 * and the default choice; the scheduler returns the thread to run.
 *
 * A schedule is plain data: "the default, plus preemptions" (docs/architecture.md, "Schedules").
 * The default runs the thread that ran last until it blocks or finishes, then
 * the lowest-numbered runnable thread (defaultChoice). A preemption {thread, after, to} says:
 * when `thread` ran last and has executed `after` steps of its own, run `to`
 * instead (if it is runnable). Any run can be written this way, and removing a
 * preemption always leaves a schedule with fewer context switches.
 */
import type { Machine } from "./machine";
import type { Thread } from "./thread";

export interface Preemption {
  thread: number;
  after: number;
  to: number;
}

export interface Decision {
  readonly m: Machine;
  readonly runnable: readonly Thread[];
  /** The thread that ran last (thread 0 before the first step). */
  readonly current: Thread;
  /** What the default policy would run. */
  readonly dflt: Thread;
}

export interface Scheduler {
  readonly name: string;
  pick(d: Decision): Thread;
}

/**
 * The thread that continues the CPU that ran last, or -1: `prior` (the
 * thread that ran last; -1 before the first step) while it can run, else its
 * partner under x86-TSO, where thread i's store buffer is pseudo-thread n + i
 * (runtime/run.ts): a thread whose fence waits for its buffer lets the buffer
 * commit, and a buffer that emptied lets its thread go on. A thread and its
 * buffer are one CPU: choosing anything else while the continuation exists is
 * a preemption. Under sequential consistency no id is n or more.
 */
export function continuation(prior: number, runnable: readonly number[], n: number): number {
  if (prior < 0) return -1;
  if (runnable.includes(prior)) return prior;
  const partner = prior < n ? prior + n : prior - n;
  return runnable.includes(partner) ? partner : -1;
}

/** The default policy on thread ids: the continuation, else the lowest runnable id. */
export function defaultChoice(prior: number, runnable: readonly number[], n: number): number {
  const c = continuation(prior, runnable, n);
  return c >= 0 ? c : runnable[0]!;
}
