/**
 * Deferred work and its contexts: SRCU and RCU domains, call_srcu / call_rcu
 * with grace periods, work items, and the executor threads that run them. The
 * engine knows no kernel structure: a domain is a number, a callback is a
 * generator, an executor is a thread with a context (docs/architecture.md,
 * "The engine"; docs/new-design.md).
 *
 * Domains. `srcu_read_lock(d)` / `srcu_read_unlock(d)` bracket a read section
 * of domain d; domain 0 is the default (kvm->srcu in the kernel code), RCU
 * (rcu_read_lock) is the domain RCU_DOMAIN, and code may use any other small
 * number for an srcu_struct of its own. Domains are independent: a grace
 * period of one never waits for readers of another.
 *
 * Grace periods. synchronize_srcu(d) waits for the readers of d whose section
 * began before it was issued. A callback queued by call_srcu(d) / call_rcu at
 * step j becomes ready once every reader of d whose section began before j has
 * left; a reader that begins after j is NOT waited for (the litmus tests in
 * properties/deferral.test.ts). The queueing thread's own open section counts.
 * A work item (schedule_work) has no grace period: it is ready at once.
 *
 * Executors. RCU and SRCU callbacks run on the "softirq" executor (atomic
 * context: rcu_do_batch, and srcu_invoke_callbacks with BH disabled); work
 * items run on the "kworker" executor (process context: may sleep and take
 * any lock). The program declares the executors it needs when it builds the
 * machine (MachineOptions.executors); they become threads after the others,
 * each looping on a `run_deferred` step that blocks until one of its
 * callbacks is ready, takes the oldest ready one and runs it, and returns
 * when no thread can queue work any more (every other thread done, every
 * queue empty, every other executor idle). Callbacks run in queueing order
 * among the ready ones.
 *
 * Contexts (ContextViolation, which the checker names INV-CTX): a sleeping
 * step (synchronize_srcu, of any domain) in atomic context, that is on the
 * softirq executor, with a spin lock held or inside an RCU read section; and
 * a spin lock taken both in softirq context and in process context (lockdep's
 * "inconsistent {SOFTIRQ-ON-W} -> {IN-SOFTIRQ-W} usage": the engine has no
 * spin_lock_bh, so every process-context acquisition has softirqs enabled).
 */
import { type KGen, mkStep, type Step } from "./step";

/** The domain of rcu_read_lock / synchronize_rcu / call_rcu. */
export const RCU_DOMAIN = 255;
/** A `defer` step's domain for a work item: no grace period. */
export const NO_GRACE_PERIOD = -1;

export type ExecContext = "process" | "softirq";
/** Who runs a deferred callback: the softirq executor (RCU/SRCU callbacks) or the kworker (work items). */
export type ExecutorKind = "softirq" | "kworker";
export const EXECUTOR_KINDS: readonly ExecutorKind[] = ["softirq", "kworker"];

export const contextOf = (k: ExecutorKind): ExecContext => (k === "softirq" ? "softirq" : "process");

/** One queued callback. */
export interface Deferred {
  /** 1, 2, ... in queueing order. */
  readonly id: number;
  readonly executor: ExecutorKind;
  /** Its grace period's domain, or NO_GRACE_PERIOD. */
  readonly domain: number;
  /** The step index at which it was queued: readers that began before it are waited for. */
  readonly since: number;
  readonly work: () => KGen<void>;
  readonly label: string;
}

function deferStep(executor: ExecutorKind, domain: number, work: () => KGen<void>, label: string): Step {
  const s = mkStep("defer", domain, null, EXECUTOR_KINDS.indexOf(executor), 0, label);
  s.work = work;
  return s;
}

/** call_srcu(ssp, head, func): `work` runs on the softirq executor after a grace period of `domain`. */
export const callSrcu = (domain: number, work: () => KGen<void>, label: string): Step =>
  deferStep("softirq", domain, work, label);
/** call_rcu(head, func). */
export const callRcu = (work: () => KGen<void>, label: string): Step => deferStep("softirq", RCU_DOMAIN, work, label);
/** schedule_work(work): `work` runs on the kworker, in process context, with no grace period. */
export const scheduleWork = (work: () => KGen<void>, label: string): Step =>
  deferStep("kworker", NO_GRACE_PERIOD, work, label);
export const rcuReadLock = (label: string): Step => mkStep("srcu_read_lock", RCU_DOMAIN, null, 0, 0, label);
export const rcuReadUnlock = (label: string): Step => mkStep("srcu_read_unlock", RCU_DOMAIN, null, 0, 0, label);
/** synchronize_rcu(): a sleeping call. */
export const synchronizeRcu = (label: string): Step => mkStep("synchronize_srcu", RCU_DOMAIN, null, 0, 0, label);

/** The label of an executor's wait step (what replay files record). */
export const RUN_DEFERRED_LABEL: Record<ExecutorKind, string> = {
  softirq: "rcu_do_batch: invoke the next callback whose grace period has ended",
  kworker: "process_one_work: run the next queued work item",
};

/** The executor thread's one operation: take a ready callback, run it, until nothing can queue any more. */
export function* executorLoop(kind: ExecutorKind, running: (id: number) => Deferred): KGen<void> {
  for (;;) {
    const id = yield mkStep("run_deferred", 0, null, EXECUTOR_KINDS.indexOf(kind), 0, RUN_DEFERRED_LABEL[kind]);
    if (id === 0) return;
    yield* running(id).work();
  }
}
