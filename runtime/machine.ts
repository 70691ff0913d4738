/**
 * The machine: performs each thread's pending step atomically on the memory
 * it is handed, and owns the synchronisation state (locks, SRCU readers,
 * threads inside regions) and, optionally, x86-TSO store buffers.
 *
 * Blocking is "not runnable": a thread waiting for a lock, for an SRCU grace
 * period, for other threads to leave their regions, or spinning on a value
 * that has not changed is never scheduled, so spins cost no steps and deadlock
 * is "no runnable thread left while some are not done".
 *
 * x86-TSO: a store goes into its thread's store buffer; each buffer's commit
 * of its oldest store is a step of its own, which the run loop schedules
 * (runtime/run.ts). A fence (a locked instruction, a lock operation, smp_mb,
 * synchronize_srcu, an IPI that waits, a free, queueing deferred work) and an
 * operation's return wait until the thread's buffer is empty: a thread is
 * not runnable while its pending fence would have stores to drain. So every
 * commit is an event of its own, as in Abdulla, Aronis, Atig, Jonsson,
 * Leonardsson and Sagonas, "Stateless model checking for TSO and PSO"
 * (TACAS 2015), where a fence is enabled only with an empty buffer.
 */
import { type Deferred, contextOf, executorLoop, type ExecutorKind, RCU_DOMAIN } from "./deferral";
import { atomicReason, DeferredQueue } from "./deferred_queue";
import { ContextViolation, Deadlock, Livelock, LockMisuse, MemoryFault, WarningFired } from "./errors";
import type { Memory } from "./memory";
import { isFence, type KGen, mkStep, mkStepOf, type Step } from "./step";
import { type Operation, Thread } from "./thread";

/** Hooks a checker installs; every hook may throw to stop the run. */
export interface Observer {
  /** After a step was performed. `old` is the word's value before a write (else NaN). */
  afterStep(m: Machine, t: Thread, s: Step, result: number, old: number): void;
  /** Before the first step of an operation. */
  opStart(m: Machine, t: Thread, op: Operation): void;
  /** After the last step of an operation. */
  opEnd(m: Machine, t: Thread, op: Operation, result: unknown): void;
  /** Before a step is performed (lets checkers inspect the pending access). */
  beforeStep?(m: Machine, t: Thread, s: Step): void;
}

export interface MachineOptions {
  /** x86-TSO store buffers (default: sequential consistency). */
  tso?: boolean;
  /** A warn step raises WarningFired instead of being recorded (sequential drivers). */
  warnIsFatal?: boolean;
  /** The executor threads the program's deferred work needs (runtime/deferral.ts), added after its threads by start(). */
  executors?: readonly ExecutorKind[];
}

const EXECUTOR_NAME = (s: Step): string => (s.val === 0 ? "softirq" : "kworker");

export class Machine {
  /** Global step counter. */
  stepIndex = 0;
  /** Holder of each taken lock, by lock number. */
  private readonly holders = new Map<number, Thread>();
  /** SRCU readers of the default domain (0): thread -> step index at which its read section began. */
  readonly srcuReaders = new Map<Thread, number>();
  /** Every domain's readers and the queued callbacks (runtime/deferral.ts). */
  readonly deferred = new DeferredQueue(this.srcuReaders);
  /** The executor kinds this machine runs (runtime/deferral.ts). */
  readonly executors: readonly ExecutorKind[];
  /** Labels of the warn steps performed (when warnings are not fatal). */
  readonly warnings: string[] = [];
  /** Checkers and counters, called in order. */
  readonly observers: Observer[] = [];
  readonly tso: boolean;
  private readonly warnIsFatal: boolean;

  constructor(readonly mem: Memory, readonly threads: Thread[], opts: MachineOptions = {}) {
    this.tso = opts.tso ?? false;
    this.warnIsFatal = opts.warnIsFatal ?? false;
    this.executors = opts.executors ?? [];
  }

  /** A thread of executor kind k, running its loop (runtime/deferral.ts). */
  private executorThread(k: ExecutorKind, id: number): Thread {
    const op: Operation = { text: `${k}: run deferred callbacks`, start: () => executorLoop(k, () => this.deferred.running(t)) };
    const t = new Thread(id, k, [op]);
    t.context = contextOf(k);
    t.executor = k;
    return t;
  }

  /** The holder of lock number `lock` (0: the main lock), or null. */
  holder(lock = 0): Thread | null {
    return this.holders.get(lock) ?? null;
  }

  /** Every lock still held, as (lock, holder). */
  heldLocks(): Array<[number, Thread]> {
    return [...this.holders];
  }

  /** Start every thread: each gets its first pending step. */
  start(): void {
    for (const k of this.executors) this.threads.push(this.executorThread(k, this.threads.length));
    for (const t of this.threads) this.advance(t, 0, true);
  }

  /** Can t's pending step run now? */
  runnable(t: Thread): boolean {
    const s = t.pending;
    if (s === null) return false;
    if (this.tso && t.storeBuffer.length > 0 && isFence(s.op)) return false;
    switch (s.op) {
      case "spin_lock":
        return !this.holders.has(s.addr);
      case "synchronize_srcu": {
        const readers = s.addr === 0 ? this.srcuReaders : this.deferred.readersOf(s.addr);
        for (const [r, since] of readers) if (r !== t && since < t.pendingSince) return false;
        return true;
      }
      case "run_deferred":
        return this.deferred.nextReady(t.executor!) !== undefined || this.deferred.canFinish(t, this.threads);
      case "wait_regions":
        for (const o of this.threads) if (o !== t && o.inRegion) return false;
        return true;
      case "wait_joined":
        return this.threads.every((o) => !o.joinable || o.done);
      case "wait_while": {
        const v = this.spinWord(t, s);
        return v === null || v !== s.cmp;
      }
      case "wait_until": {
        const v = this.spinWord(t, s);
        return v === null || v === s.cmp;
      }
      case "wait_clear": {
        const v = this.spinWord(t, s);
        return v === null || (v & s.cmp) === 0;
      }
      default:
        return true;
    }
  }

  /**
   * The word a spin re-reads, or null when the thread may not access it
   * (freed while it spins, say): such a spin is runnable, so its re-read is
   * the thread's own step and faults as one (MemoryFault), instead of
   * failing the scheduler's look at it. No closure: this runs for every
   * spinning thread at every decision.
   */
  private spinWord(t: Thread, s: Step): number | null {
    try {
      return this.visible(t, s.addr, s);
    } catch (e) {
      if (e instanceof MemoryFault) return null;
      throw e;
    }
  }

  /** Threads whose next step can run, in thread order. */
  runnableThreads(): Thread[] {
    const out: Thread[] = [];
    const ts = this.threads;
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i]!;
      if (t.pending !== null && this.runnable(t)) out.push(t);
    }
    return out;
  }

  allDone(): boolean {
    return this.threads.every((t) => t.done);
  }

  /** Run t's pending step, then resume t up to its next step. */
  step(t: Thread): void {
    this.advance(t, this.exec(t, t.pending!), false);
  }

  /** Perform one step of t atomically and tell the observers. */
  private exec(t: Thread, s: Step): number {
    const obs = this.observers;
    for (let i = 0; i < obs.length; i++) obs[i]!.beforeStep?.(this, t, s);
    this.lastOld = NaN;
    const result = this.perform(t, s);
    this.stepIndex++;
    t.steps++;
    for (let i = 0; i < obs.length; i++) obs[i]!.afterStep(this, t, s, result, this.lastOld);
    return result;
  }

  /**
   * Run one operation to completion as thread t, alone, telling the observers
   * it starts and ends. Its stores are in memory when it returns.
   */
  runOperation<T>(t: Thread, op: Operation<T>): T {
    for (const o of this.observers) o.opStart(this, t, op);
    const saved = { ops: t.ops, opIndex: t.opIndex };
    (t as { ops: readonly Operation[] }).ops = [op];
    t.opIndex = 0;
    try {
      const r = this.runSolo(t, op.start());
      this.drainAll(t);
      for (const o of this.observers) o.opEnd(this, t, op, r);
      return r;
    } finally {
      (t as { ops: readonly Operation[] }).ops = saved.ops;
      t.opIndex = saved.opIndex;
    }
  }

  /**
   * Run one generator to completion as thread t, with no other thread
   * interleaved (the sequential driver and the set-up). A step that would
   * block forever is a Deadlock; `budget` bounds the steps (a Livelock
   * otherwise). The callbacks it queued run before it returns, alone too. Under x86-TSO its buffered stores drain when it completes, as
   * when a thread finishes: what ran alone is in memory before anything else runs.
   */
  runSolo<T>(t: Thread, gen: KGen<T>, budget = 1_000_000): T {
    let r = gen.next(0);
    let n = 0;
    while (!r.done) {
      const s = r.value;
      this.issue(t, s);
      // Alone, a fence's wait for the store buffer ends at once: its stores commit now.
      if (this.tso && isFence(s.op)) this.drainAll(t);
      if (!this.runnable(t)) throw new Deadlock(`${t.name} blocks forever at "${s.label}"`);
      if (++n > budget) throw new Livelock(`${t.name} exceeded ${budget} steps (last: "${s.label}")`);
      r = gen.next(this.exec(t, s));
    }
    t.pending = null;
    this.drainAll(t);
    if (t.executor === null) this.runDeferredSolo();
    return r.value;
  }

  /**
   * Run every queued callback to completion, alone, each on its executor (the
   * sequential driver: nothing else runs, so every grace period is over).
   */
  private runDeferredSolo(): void {
    const q = this.deferred;
    while (q.queued.length > 0) {
      const e = q.queued[0]!;
      const t = this.executorThread(e.executor, -2);
      q.take(t, e);
      this.runSolo(t, e.work());
    }
  }

  /** ContextViolation if t may not sleep now (runtime/deferral.ts). */
  private mightSleep(t: Thread, s: Step): void {
    let holds = false;
    for (const h of this.holders.values()) if (h === t) holds = true;
    const why = atomicReason(t, holds, this.deferred.readers.get(RCU_DOMAIN)?.has(t) ?? false);
    if (why !== null) throw new ContextViolation(`${t.name} sleeps in atomic context (${why}): "${s.label}"`);
  }

  /**
   * s becomes t's pending step. A wait that begins with a full barrier
   * (synchronize_srcu; an IPI that waits for other CPUs, as
   * kvm_flush_remote_tlbs does after its smp_mb) is a fence: it cannot run
   * before t's buffered stores are visible, and a grace period starts when
   * the last of them commits (drainOne), not before.
   */
  private issue(t: Thread, s: Step): void {
    t.pending = s;
    t.pendingSince = this.stepIndex;
  }

  /** The value t sees at addr: its own newest buffered store, else memory. */
  private visible(t: Thread, addr: number, s: Step): number {
    if (this.tso) {
      for (let i = t.storeBuffer.length - 1; i >= 0; i--) if (t.storeBuffer[i]!.addr === addr) return t.storeBuffer[i]!.val;
    }
    return this.mem.read(addr, s.kind, s.label);
  }

  /** Commit t's oldest buffered store to memory (x86-TSO). The last one ends the barrier a pending synchronize_srcu begins with. */
  drainOne(t: Thread): void {
    const e = t.storeBuffer.shift()!;
    if (t.storeBuffer.length === 0 && t.pending?.op === "synchronize_srcu") t.pendingSince = this.stepIndex;
    const old = this.mem.peek(e.addr);
    this.mem.write(e.addr, null, e.val, `${e.label} (store buffer drain)`);
    const s = mkStepOf("store buffer", "store", e.addr, null, e.val, 0, `${e.label} [drain]`);
    for (const o of this.observers) o.afterStep(this, t, s, 0, old);
  }

  private drainAll(t: Thread): void {
    while (t.storeBuffer.length > 0) this.drainOne(t);
  }

  private lastOld = NaN;

  /**
   * A read-modify-write (xchg, cmpxchg, lock_or, lock_and, or_if): drains the store buffer, writes the new
   * value (cmpxchg and or_if only when their condition holds), returns old. No closure per step: a switch.
   */
  private rmw(t: Thread, s: Step): number {
    this.drainAll(t);
    const o = this.mem.read(s.addr, s.kind, s.label);
    this.lastOld = o;
    let v: number | null;
    switch (s.op) {
      case "xchg":
        v = s.val;
        break;
      case "cmpxchg":
        v = o === s.cmp ? s.val : null;
        break;
      case "lock_or":
        v = o | s.val;
        break;
      case "lock_and":
        v = o & s.val;
        break;
      default: // or_if
        v = (o & s.cmp) === s.cmp ? o | s.val : null;
    }
    if (v !== null) this.mem.write(s.addr, s.kind, v, s.label);
    return o;
  }

  private perform(t: Thread, s: Step): number {
    const mem = this.mem;
    switch (s.op) {
      case "load":
      case "wait_while":
      case "wait_until":
      case "wait_clear":
        return this.visible(t, s.addr, s);
      case "store":
        if (this.tso) {
          mem.check(s.addr, s.kind, s.label);
          t.storeBuffer.push({ addr: s.addr, val: s.val, label: s.label });
          return 0;
        }
        this.lastOld = mem.read(s.addr, s.kind, s.label);
        mem.write(s.addr, s.kind, s.val, s.label);
        return 0;
      case "xchg":
      case "cmpxchg":
      case "lock_or":
      case "lock_and":
      case "or_if":
        return this.rmw(t, s);
      case "alloc":
        return mem.alloc(s.kind!, s.val).base;
      case "free":
        this.drainAll(t);
        mem.free(s.addr, s.kind!, s.label);
        return 0;
      case "spin_lock":
        this.drainAll(t);
        this.deferred.noteLock(t, s.addr, s.label);
        this.holders.set(s.addr, t);
        return 0;
      case "spin_unlock":
        this.drainAll(t);
        if (this.holders.get(s.addr) !== t) throw new LockMisuse(`${t.name} releases lock ${s.addr} it does not hold (${s.label})`);
        this.holders.delete(s.addr);
        return 0;
      case "synchronize_srcu":
        this.mightSleep(t, s);
        this.drainAll(t);
        return 0;
      case "smp_mb":
      case "wait_regions":
        this.drainAll(t);
        return 0;
      case "srcu_read_lock":
        (s.addr === 0 ? this.srcuReaders : this.deferred.readersOf(s.addr)).set(t, this.stepIndex);
        return 0;
      case "srcu_read_unlock":
        (s.addr === 0 ? this.srcuReaders : this.deferred.readersOf(s.addr)).delete(t);
        return 0;
      case "defer":
        if (!this.executors.includes(this.deferred.enqueue(s, this.stepIndex).executor) && t.id >= 0) {
          throw new ContextViolation(`${t.name} queues work for a ${EXECUTOR_NAME(s)} executor the program did not declare ("${s.label}")`);
        }
        this.drainAll(t);
        return 0;
      case "run_deferred": {
        const e: Deferred | undefined = this.deferred.nextReady(t.executor!);
        return e === undefined ? 0 : this.deferred.take(t, e);
      }
      case "region_enter":
        t.inRegion = true;
        return 0;
      case "region_exit":
        t.inRegion = false;
        return 0;
      case "wait_joined":
      case "ghost":
        return 0;
      case "warn":
        if (this.warnIsFatal) throw new WarningFired(s.label);
        this.warnings.push(s.label);
        return 0;
    }
  }

  /**
   * Resume t with `result` until it yields its next step, moving on to its next
   * operation when one finishes. `first` starts the thread.
   */
  private advance(t: Thread, result: number, first: boolean): void {
    const back = t.returning;
    t.returning = null;
    let r: IteratorResult<Step, unknown> | null = first ? null : back !== null ? { done: true, value: back.value } : t.gen!.next(result);
    for (;;) {
      if (r !== null && !r.done) {
        this.issue(t, r.value);
        return;
      }
      if (r !== null && this.tso && t.storeBuffer.length > 0) {
        // x86-TSO: the return waits for the buffer to empty, as a step of its own (class comment).
        t.returning = { value: r.value };
        this.issue(t, mkStep("smp_mb", 0, null, 0, 0, `${t.currentOp!.text}: return (a full barrier: its stores commit first)`));
        return;
      }
      if (r !== null) {
        t.results.push(r.value);
        // An operation's return is a full barrier (docs/architecture.md, "Memory model").
        this.drainAll(t);
        // An executor's loop is the engine's, not an operation of the program: observers do not see it start or end.
        if (t.executor === null) for (const o of this.observers) o.opEnd(this, t, t.currentOp!, r.value);
      }
      t.opIndex++;
      if (t.opIndex >= t.ops.length) {
        t.pending = null;
        t.gen = null;
        t.done = true;
        this.drainAll(t);
        return;
      }
      const op = t.currentOp!;
      if (t.executor === null) for (const o of this.observers) o.opStart(this, t, op);
      t.gen = op.start();
      r = t.gen.next(0);
    }
  }
}
