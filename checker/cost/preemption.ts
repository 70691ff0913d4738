/**
 * The kernel preemption model of a cost run: when does cond_resched_lock
 * (kernel/sched/core.c __cond_resched_lock, 3.x) drop mmu_lock?
 *
 *   `spin_needbreak(lock) || should_resched()`: spin_needbreak is
 *   spin_is_contended(lock) with CONFIG_PREEMPT and 0 without it [C, 3.11
 *   include/linux/sched.h]; should_resched asks whether another task wants
 *   this CPU, which never happens here (one CPU per thread).
 *
 *   always   the checker's choice (impl/zap_obsolete.ts cond_resched_lock):
 *            drop the lock at every call (the runs checked include the kernel's);
 *   preempt  CONFIG_PREEMPT: drop it only when a thread is spinning on
 *            mmu_lock at this moment of simulated time;
 *   none     !CONFIG_PREEMPT: never drop it.
 *
 * DEVIATION: the contention test (a load of the lock word in the kernel) is
 * not a step: it costs no tick. A cost-model assumption, so it lives here,
 * not in impl/.
 */
import type { Symbols } from "../../impl/symbols";
import type { Machine } from "../../runtime/machine";
import { type KGen, spinLock, spinUnlock } from "../../runtime/step";
import type { Thread } from "../../runtime/thread";
import type { SimClock } from "./sim_clock";

export type PreemptionModel = "always" | "preempt" | "none";
export const PREEMPTION_MODELS: readonly PreemptionModel[] = ["always", "preempt", "none"];

/** What the contention test needs from the run, filled in once the machine and the clock exist. */
export interface LockView {
  machine: Machine | null;
  clock: SimClock | null;
}

/** spin_is_contended(&kvm->mmu_lock) in simulated time: some other thread's pending step is spin_lock(mmu_lock), issued by now. */
function contended(v: LockView): boolean {
  const m = v.machine;
  const clock = v.clock;
  if (m === null || clock === null) return true;
  const holder = m.holder(0);
  if (holder === null) return false;
  const now = clock.now(holder);
  return m.threads.some((t: Thread) => t !== holder && !t.done && t.pending?.op === "spin_lock" && t.pending.addr === 0 && clock.issuedAt(t) <= now);
}

/** The symbol table with cond_resched_lock following `model` ("always" leaves it as it is). */
export function withPreemption(symbols: Symbols, model: PreemptionModel, view: LockView): Symbols {
  if (model === "always") return symbols;
  return {
    ...symbols,
    *cond_resched_lock(): KGen<number> {
      if (model === "none" || !contended(view)) return 0;
      yield spinUnlock("cond_resched_lock: spin_unlock(mmu_lock) (spin_needbreak)");
      yield spinLock("cond_resched_lock: spin_lock(mmu_lock)");
      return 1;
    },
  };
}
