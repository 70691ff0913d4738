/**
 * The scheduler interface (one file per strategy in schedulers/). At each
 * decision the runner gives the runnable threads, the thread that ran last
 * and the default choice; the scheduler returns the thread to run.
 *
 * A schedule is plain data: "the default, plus preemptions" (docs/architecture.md, "Schedules").
 * The default runs the thread that ran last until it blocks or finishes, then
 * the lowest-numbered runnable thread. A preemption {thread, after, to} says:
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
