/**
 * Simulated time for the cost model: one CPU per thread, each with its own
 * clock, and a scheduler that always runs the step that comes first in time.
 *
 *   - every atomic step costs what its kind costs in the run's profile
 *     (profiles.ts; the default: one tick for every kind, docs/compare.md says
 *     why) on the clock of the thread that takes it;
 *   - a thread that cannot run (mmu_lock held, waiting for a grace period, an
 *     IPI waiting for guest mode to end) does not advance its clock; when the
 *     step of another thread lets it run, its clock jumps to the time that
 *     step ended (max(own clock, that time)): the time it spent waiting;
 *   - the scheduler picks the runnable thread with the earliest clock; on a
 *     tie, the one whose pending step was issued first (a ticket spinlock:
 *     waiters are served in arrival order, so the holder's own re-lock after
 *     a lock-break queues behind them), then the lower thread number.
 *
 * Executing steps in non-decreasing time order is a linearisation of the
 * parallel run, so the per-thread clocks are consistent and the result is a
 * pure function of the threads' code: no wall clock, no randomness.
 */
import type { Machine, Observer } from "../../runtime/machine";
import type { Decision, Scheduler } from "../../runtime/scheduler";
import type { Step } from "../../runtime/step";
import type { Thread } from "../../runtime/thread";
import { type CostProfile, stepCost, UNIT_PROFILE } from "./profiles";

export class SimClock implements Scheduler, Observer {
  readonly name = "time-ordered";
  private readonly clock = new Map<Thread, number>();
  /** When each thread's pending step was issued (its ticket). */
  private readonly issued = new Map<Thread, number>();
  private readonly blocked = new Set<Thread>();
  /** When the last step ended. */
  private lastEnd = 0;

  constructor(private readonly profile: CostProfile = UNIT_PROFILE) {}

  /** Thread t's clock: the time its next step would start. */
  now(t: Thread): number {
    return this.clock.get(t) ?? 0;
  }

  /** When t's pending step was issued. */
  issuedAt(t: Thread): number {
    return this.issued.get(t) ?? 0;
  }

  pick(d: Decision): Thread {
    for (const t of d.m.threads) {
      if (t.done) continue;
      if (!d.runnable.includes(t)) this.blocked.add(t);
      else if (this.blocked.delete(t)) this.clock.set(t, Math.max(this.now(t), this.lastEnd));
    }
    let best = d.runnable[0]!;
    for (const t of d.runnable) {
      const [a, b] = [this.now(t), this.now(best)];
      if (a < b || (a === b && (this.issuedAt(t) < this.issuedAt(best) || (this.issuedAt(t) === this.issuedAt(best) && t.id < best.id)))) best = t;
    }
    return best;
  }

  afterStep(m: Machine, t: Thread, s: Step): void {
    const end = this.now(t) + stepCost(this.profile, s);
    this.clock.set(t, end);
    this.issued.set(t, end);
    this.lastEnd = end;
  }

  opStart(): void {}
  opEnd(): void {}
}
