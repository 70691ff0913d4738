/**
 * The machine's deferred-work state (runtime/deferral.ts gives the
 * semantics): the read sections of every domain, the queued callbacks, and
 * which lock was taken in which context.
 */
import { ContextViolation } from "./errors";
import { type Deferred, EXECUTOR_KINDS, type ExecutorKind, NO_GRACE_PERIOD } from "./deferral";
import type { Step } from "./step";
import type { Thread } from "./thread";

export class DeferredQueue {
  /** Read sections: domain -> (thread -> step index at which its section began). */
  readonly readers = new Map<number, Map<Thread, number>>();
  /** Queued callbacks, oldest first. */
  readonly queued: Deferred[] = [];
  /** The callback each executor thread is running (by thread). */
  private readonly runningBy = new Map<Thread, Deferred>();
  private nextId = 1;
  /** Per lock: taken in process context (bit 1) and in softirq context (bit 2). */
  private readonly lockUsage = new Map<number, number>();

  constructor(defaultDomain: Map<Thread, number>) {
    this.readers.set(0, defaultDomain);
  }

  readersOf(domain: number): Map<Thread, number> {
    let r = this.readers.get(domain);
    if (r === undefined) {
      r = new Map();
      this.readers.set(domain, r);
    }
    return r;
  }

  /** Has every reader of e's domain that began before e was queued left? */
  isReady(e: Deferred): boolean {
    if (e.domain === NO_GRACE_PERIOD) return true;
    const r = this.readers.get(e.domain);
    if (r !== undefined) for (const since of r.values()) if (since < e.since) return false;
    return true;
  }

  /** The oldest ready callback for executor kind k, or undefined. */
  nextReady(k: ExecutorKind): Deferred | undefined {
    for (const e of this.queued) if (e.executor === k && this.isReady(e)) return e;
    return undefined;
  }

  enqueue(s: Step, since: number): Deferred {
    const executor = EXECUTOR_KINDS[s.val]!;
    const e: Deferred = { id: this.nextId++, executor, domain: s.addr, since, work: s.work!, label: s.label };
    this.queued.push(e);
    return e;
  }

  /** Take e off the queue: executor t runs it now. */
  take(t: Thread, e: Deferred): number {
    this.queued.splice(this.queued.indexOf(e), 1);
    this.runningBy.set(t, e);
    return e.id;
  }

  running(t: Thread): Deferred {
    return this.runningBy.get(t)!;
  }

  /**
   * Can executor t finish: every thread but the executors done, nothing
   * queued, every other executor waiting at its run_deferred step?
   */
  canFinish(t: Thread, threads: readonly Thread[]): boolean {
    if (this.queued.length > 0) return false;
    for (const o of threads) {
      if (o === t || o.done) continue;
      if (o.executor === null || o.pending?.op !== "run_deferred") return false;
    }
    return true;
  }

  /** Lockdep's irq-safety rule for spin lock `lock` taken by t (see runtime/deferral.ts). */
  noteLock(t: Thread, lock: number, label: string): void {
    const bit = t.context === "softirq" ? 2 : 1;
    const usage = (this.lockUsage.get(lock) ?? 0) | bit;
    this.lockUsage.set(lock, usage);
    if (usage === 3) {
      throw new ContextViolation(
        `lock ${lock} is taken in softirq context and in process context with softirqs enabled: ` +
          `${t.name} ("${label}") can deadlock against itself`,
      );
    }
  }
}

/** Is t in atomic context: on the softirq executor, holding a spin lock, or in an RCU read section? */
export function atomicReason(t: Thread, holdsLock: boolean, inRcu: boolean): string | null {
  if (t.context === "softirq") return "softirq context";
  if (holdsLock) return "a spin lock held";
  if (inRcu) return "an RCU read-side section";
  return null;
}
