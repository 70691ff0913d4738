/**
 * The rmap lock's rules (spec §3 R1-R6, M2, D1 at the lock's edges), checked
 * at the step that touches a head word, a desc or the lock context:
 *
 *   RMAP-LOCK-WORD  val changes only by the lock's cmpxchg (sets LOCKED on a
 *                   non-empty value), its holder's unlock store (a reader
 *                   stores back exactly what it locked), or an mmu_lock
 *                   writer's store into an empty, unlocked rmap; a published
 *                   desc changes only under its rmap's writer lock
 *   RMAP-ONCE       a writer stores val once per lock (checked in program order)
 *   RMAP-LOCK-EXCL  LOCKED never on an empty value; one holder at a time
 *   RMAP-RO-STABLE  no desc of a list changes while a reader holds its lock
 *   RMAP-LOCK-CTX   the lockdep asserts (mmu_lock held for write; preemption off)
 *   DESC-FREE       a desc is freed only by its rmap's writer-lock holder
 *   DESC-SHAPE      when a writer unlocks and when a reader locks
 *
 * Memory-effect rules run when the write reaches memory (under x86-TSO, when
 * the store buffer drains); the program-order rule runs when the store issues.
 */
import { headPointer, isLocked } from "../../../model/lockless/encoding";
import type { Machine } from "../../../runtime/machine";
import type { Step } from "../../../runtime/step";
import type { Thread } from "../../../runtime/thread";
import { Violation } from "../../violation";
import type { LocklessWorld } from "../world";
import { decodeChain, headAt } from "./impl_view";

interface Holder {
  readonly t: Thread;
  readonly mode: "writer" | "reader";
  /** The pointer part it locked. */
  readonly val: number;
}

const hx = (n: number): string => `0x${n.toString(16)}`;

export class RmapLockRules {
  readonly holders = new Map<number, Holder>();
  /** desc -> the head whose published list holds it. */
  private readonly published = new Map<number, number>();
  /** Heads each thread locked (or, as a writer, found empty) and has not stored yet. */
  private readonly opened = new Map<Thread, Set<number>>();
  /** Heads each thread stored since its op began (only for the RMAP-ONCE message: never a verdict). */
  private readonly stored = new Map<Thread, Set<number>>();
  /** preempt_count of each thread (ghost preempt_disable / preempt_enable). */
  private readonly preempt = new Map<Thread, number>();
  /** Called at each writer's first lock (or elided read) of an op, with the list's size then. */
  onWriterOpen: (t: Thread, size: number) => void = () => {};

  constructor(private readonly w: LocklessWorld, private readonly count: () => void) {}

  private name(head: number): string {
    const h = headAt(this.w.kvm, head)!;
    return `rmap ${h.level}:${h.index}`;
  }

  private open(t: Thread, head: number): void {
    if (!this.opened.has(t)) this.opened.set(t, new Set());
    this.opened.get(t)!.add(head);
  }

  opStart(t: Thread): void {
    this.opened.delete(t);
    this.stored.delete(t);
  }

  /** A load of a head: a writer's __kvm_rmap_lock that finds it empty holds it (the lock is elided). */
  onHeadLoad(m: Machine, t: Thread, s: Step, head: number, result: number): void {
    if (s.fn === "__kvm_rmap_lock" && result === 0 && m.holder() === t) {
      this.open(t, head);
      this.onWriterOpen(t, 0);
    }
  }

  /** A cmpxchg on a head that succeeded (result === s.cmp), whether or not it changed the word. */
  onHeadCmpxchg(m: Machine, t: Thread, s: Step, head: number): void {
    this.count();
    const before = s.cmp;
    const after = s.val;
    if (isLocked(before) || !isLocked(after) || headPointer(after) !== before) {
      const held = this.holders.get(head);
      if (isLocked(before) && held !== undefined) throw new Violation("RMAP-LOCK-EXCL", `${t.name} takes ${this.name(head)}, which ${held.t.name} holds ("${s.label}")`);
      throw new Violation("RMAP-LOCK-WORD", `${t.name} changes ${this.name(head)} from ${hx(before)} to ${hx(after)} by cmpxchg ("${s.label}")`);
    }
    if (headPointer(after) === 0) throw new Violation("RMAP-LOCK-EXCL", `${t.name} sets KVM_RMAP_LOCKED on the empty ${this.name(head)}`);
    const mode = m.holder() === t ? "writer" : "reader";
    this.holders.set(head, { t, mode, val: before });
    this.open(t, head);
    const chain = decodeChain(this.w.kvm, before);
    if (mode === "writer") this.onWriterOpen(t, chain.entries.length);
    else if (chain.errors.length > 0) throw new Violation("DESC-SHAPE", `${this.name(head)} when ${t.name} locks it read-only: ${chain.errors[0]}`);
  }

  /** A store to a head as it issues (program order): a writer stores once per lock. */
  onHeadStoreIssued(m: Machine, t: Thread, head: number): void {
    const mine = this.opened.get(t);
    if (mine?.delete(head)) {
      if (!this.stored.has(t)) this.stored.set(t, new Set());
      this.stored.get(t)!.add(head);
      return;
    }
    if (m.holder() !== t) return;
    if (this.stored.get(t)?.has(head)) throw new Violation("RMAP-ONCE", `${t.name} stores ${this.name(head)} a second time without locking it again (an intermediate list was published)`);
    throw new Violation("RMAP-ONCE", `${t.name} stores ${this.name(head)} without having taken its rmap lock (or found it empty) in this operation`);
  }

  /** Any write of a head word that reached memory, other than a successful cmpxchg (handled above). */
  onHeadWrite(m: Machine, t: Thread, head: number, old: number, now: number): void {
    this.count();
    const held = this.holders.get(head);
    if (isLocked(old)) {
      if (held === undefined || held.t !== t) throw new Violation("RMAP-LOCK-WORD", `${t.name} writes the locked ${this.name(head)}${held ? `, which ${held.t.name} holds` : ""}`);
      if (isLocked(now)) throw new Violation("RMAP-LOCK-WORD", `${held.t.name} unlocks ${this.name(head)} with KVM_RMAP_LOCKED still set (${hx(now)})`);
      if (held.mode === "reader" && now !== held.val) throw new Violation("RMAP-LOCK-WORD", `the readonly holder ${t.name} changes ${this.name(head)} from ${hx(held.val)} to ${hx(now)}`);
      this.holders.delete(head);
    } else if (m.holder() !== t || old !== 0 || isLocked(now)) {
      throw new Violation("RMAP-LOCK-WORD", `${t.name} writes ${this.name(head)} (${hx(old)} -> ${hx(now)}) without its lock${m.holder() === t ? "" : " and without mmu_lock"}`);
    }
    this.republish(head, old, now);
  }

  private republish(head: number, old: number, now: number): void {
    if (headPointer(old) === headPointer(now)) return;
    for (const [d, h] of this.published) if (h === head) this.published.delete(d);
    const chain = decodeChain(this.w.kvm, now);
    for (const d of chain.descs) this.published.set(d, head);
    if (chain.errors.length > 0) throw new Violation("DESC-SHAPE", `${this.name(head)} as its writer publishes it: ${chain.errors[0]}`);
  }

  /** A write to a desc word that reached memory. */
  onDescWrite(t: Thread, desc: number): void {
    const head = this.published.get(desc);
    if (head === undefined) return; // not on any list yet: only its allocator can reach it
    this.count();
    const held = this.holders.get(head);
    if (held?.mode === "reader") throw new Violation("RMAP-RO-STABLE", `${t.name} changes desc ${hx(desc)} of ${this.name(head)} while ${held.t.name} holds it read-only`);
    if (held === undefined || held.t !== t) throw new Violation("RMAP-LOCK-WORD", `${t.name} changes desc ${hx(desc)} of ${this.name(head)} without its rmap lock`);
  }

  /** A desc being freed. */
  onDescFree(t: Thread, desc: number): void {
    this.count();
    const head = this.published.get(desc);
    if (head === undefined) throw new Violation("DESC-FREE", `${t.name} frees desc ${hx(desc)}, which no rmap's list holds`);
    const held = this.holders.get(head);
    if (held?.t !== t || held.mode !== "writer") throw new Violation("DESC-FREE", `${t.name} frees desc ${hx(desc)} of ${this.name(head)} without holding its rmap lock for write`);
  }

  /** preempt_disable / preempt_enable and the lockdep asserts. */
  onGhost(m: Machine, t: Thread, s: Step): void {
    const n = this.preempt.get(t) ?? 0;
    switch (s.fn) {
      case "preempt_disable":
        this.preempt.set(t, n + 1);
        return;
      case "preempt_enable":
        this.preempt.set(t, n - 1);
        return;
      case "lockdep_assert_preemption_disabled":
        this.count();
        if (n <= 0 && m.holder() !== t) throw new Violation("RMAP-LOCK-CTX", `${t.name}: ${s.label} fails: preemption is enabled and mmu_lock is not held`);
        return;
      case "lockdep_assert_held_write":
        this.count();
        if (m.holder() !== t) throw new Violation("RMAP-LOCK-CTX", `${t.name}: ${s.label} fails: mmu_lock is not held for write`);
        return;
      default:
        return;
    }
  }

  /** Descs that some list holds (for NO-LEAK). */
  publishedDescs(): ReadonlySet<number> {
    return new Set(this.published.keys());
  }
}
