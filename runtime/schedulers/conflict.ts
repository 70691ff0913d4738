/**
 * Race-directed preemption, layered on another strategy (after RaceFuzzer,
 * Sen, PLDI 2008, and the delay-bounded idea of Emmi, Qadeer and Rakamaric,
 * POPL 2011). Blind preemption points rarely land in the windows a race needs;
 * this layer steers the schedule into them, with probabilities, so that every
 * run is still possible and the inner strategy still decides the rest:
 *   - a read-modify-write done as a load and a later write of the same word
 *     (a lost update): when a thread's next step writes the word its previous
 *     step loaded, another writer of that word goes first; otherwise the
 *     thread is held back for a while;
 *   - two threads about to touch the same word, one writing (or one freeing
 *     the object the other touches): switch to the other;
 *   - a racy access (a word another thread has touched in this run, one of
 *     the two a write): the thread that made it is sometimes held back for a
 *     long time, so that the others run far ahead of it;
 *   - a writer let into another thread's lost-update window (it wins the
 *     race) is, in half the cases, held back right after its write: a lock
 *     holder stalled after it won a race, while the lock-free thread it beat
 *     finishes its work (race F2 of docs/findings.md has this shape); in the
 *     other half, optionally (pLoser), the thread it beat is held instead,
 *     for a long time: the winner finishes its work while the loser still
 *     carries its stale snapshot (a lockless walker whose page a zap frees);
 *   - under x86-TSO, in half the runs, store buffers commit only when nothing
 *     else can run or their owner fences: stores stay invisible as long as
 *     x86 allows (the store-buffer pattern of a missing smp_mb).
 * Seeded, so deterministic.
 */
import type { Machine } from "../machine";
import { Prng } from "../prng";
import type { Decision, Scheduler } from "../scheduler";
import { type Step, writesWord } from "../step";
import type { Thread } from "../thread";

const writes = (s: Step): boolean => writesWord(s.op) || s.op === "free";

function conflicts(m: Machine, a: Step, b: Step): boolean {
  if (a.addr === 0 || b.addr === 0 || a.op === "spin_lock" || b.op === "spin_lock" || a.op === "spin_unlock" || b.op === "spin_unlock") return false;
  if (!writes(a) && !writes(b)) return false;
  if (a.addr === b.addr) return true;
  if (a.op !== "free" && b.op !== "free") return false;
  const oa = m.mem.objectAt(a.addr);
  return oa !== undefined && oa === m.mem.objectAt(b.addr);
}

/** Words steps touch (lock numbers and allocations are not words). */
function touchesWord(s: Step): boolean {
  return s.addr !== 0 && s.op !== "spin_lock" && s.op !== "spin_unlock" && s.op !== "alloc";
}

/** The empty list of threads (never added to). */
const NONE: Thread[] = [];

/** What the scheduler knows of a word: who touched it first, whether another thread did too, whether one wrote. */
interface Touches {
  readonly first: Thread;
  several: boolean;
  written: boolean;
}

export interface ConflictOptions {
  /** Probability of steering at a window or a conflict. */
  p?: number;
  /** Probability of a long hold after a racy access. */
  pLong?: number;
  /** Probability of a long hold for a writer that won a race into another thread's window. */
  pWinner?: number;
  /** Longest hold, in decisions. */
  longest?: number;
  /**
   * Probability of a long hold right after a write (a publication): the
   * threads that have not looked yet run against the state the write left,
   * e.g. a reader's whole call between two writes of a lock holder. 0 (the
   * default) draws nothing, so runs without it keep their random stream.
   */
  pPublish?: number;
  /**
   * Probability of a long hold for the thread whose window a writer was let
   * into, when the writer is not held (pWinner): the loser keeps its stale
   * snapshot while the winner runs on, e.g. a fast page fault between its
   * READ_ONCE and its cmpxchg while a zap clears the spte and frees the page.
   * 0 (the default) draws nothing, so runs without it keep their random stream.
   */
  pLoser?: number;
}

export class ConflictDirectedScheduler implements Scheduler {
  readonly name: string;
  private readonly rng: Prng;
  private readonly p: number;
  private readonly pLong: number;
  private readonly pWinner: number;
  private readonly longest: number;
  private readonly pPublish: number;
  private readonly pLoser: number;
  /**
   * By thread id, the words the thread loaded and has not written since (the
   * open ends of its read-modify-writes). Thread ids of a run are small
   * non-negative integers (runtime/run.ts), so arrays, not maps keyed by thread.
   */
  private readonly loaded: Array<Set<number> | undefined> = [];
  /** By thread id, how many more decisions the thread is held back (0 or absent: not held). */
  private readonly holds: number[] = [];
  /** The threads held back now, each once. */
  private readonly heldList: Thread[] = [];
  /** Per word: the first thread that touched it in this run, whether another did too, and whether one wrote. */
  private readonly touched = new Map<number, Touches>();
  /** The writer just let into another thread's window, to be held once its write is done. */
  private winner: Thread | null = null;
  /** This run keeps TSO stores buffered as long as it can. */
  private readonly lazyDrain: boolean;

  constructor(private readonly inner: Scheduler, seed: number, opts: ConflictOptions = {}) {
    this.name = `${inner.name}+races`;
    this.rng = new Prng(seed ^ 0x5bd1e995);
    this.p = opts.p ?? 0.8;
    this.pLong = opts.pLong ?? 0.25;
    this.pWinner = opts.pWinner ?? 0.5;
    this.longest = opts.longest ?? 64;
    this.pPublish = opts.pPublish ?? 0;
    this.pLoser = opts.pLoser ?? 0;
    this.lazyDrain = this.rng.next() < 0.5;
  }

  private isHeld(t: Thread): boolean {
    return (this.holds[t.id] ?? 0) > 0;
  }

  /** Hold t back for the next n decisions. */
  private hold(t: Thread, n: number): void {
    if (!this.isHeld(t)) this.heldList.push(t);
    this.holds[t.id] = n;
  }

  private pickFree(d: Decision, not: Thread): Thread | undefined {
    const free: Thread[] = [];
    for (const t of d.runnable) if (t !== not && !this.isHeld(t)) free.push(t);
    return free.length === 0 ? undefined : free[this.rng.below(free.length)];
  }

  /**
   * Is t between a load of a word and a write back to that word (a lost-update
   * window)? The load need not be t's previous step: other words may be
   * written between them (a snapshot carried across other work).
   */
  private inWindow(t: Thread): boolean {
    const s = t.pending;
    return s !== null && writesWord(s.op) && this.loaded[t.id]?.has(s.addr) === true;
  }

  /** Is step s of t racy: a word another thread touched in this run, one of the two a write? */
  private racy(t: Thread, s: Step): boolean {
    if (!touchesWord(s)) return false;
    const w = this.touched.get(s.addr);
    if (w === undefined) return false;
    // Some toucher other than t: the first one, or any when two threads touched it.
    if (w.first !== t || w.several) return w.written || writes(s);
    return false;
  }

  /** Is s a write after which its thread is held (pPublish; no draw when it is 0)? */
  private publishes(s: Step): boolean {
    return this.pPublish > 0 && touchesWord(s) && writesWord(s.op) && this.rng.next() < this.pPublish;
  }

  /** Is the thread whose window a writer enters held long (pLoser; no draw when it is 0)? */
  private losesLong(): boolean {
    return this.pLoser > 0 && this.rng.next() < this.pLoser;
  }

  private record(t: Thread, s: Step): void {
    if (!touchesWord(s)) return;
    const w = this.touched.get(s.addr);
    if (w === undefined) this.touched.set(s.addr, { first: t, several: false, written: writes(s) });
    else {
      if (w.first !== t) w.several = true;
      if (writes(s)) w.written = true;
    }
  }

  private choose(d: Decision): Thread {
    let next = this.inner.pick(d);
    if (this.isHeld(next)) next = this.pickFree(d, next) ?? next;
    const s = next.pending!;
    // Most decisions have no rival: no array then.
    let rivals: Thread[] = NONE;
    for (const t of d.runnable) if (t !== next && t.pending !== null && conflicts(d.m, s, t.pending)) (rivals === NONE ? (rivals = []) : rivals).push(t);
    if (this.inWindow(next)) {
      // A writer of the same word goes first, always; otherwise hold the window open for a while.
      if (rivals.length > 0) {
        const r = rivals[this.rng.below(rivals.length)]!;
        if (this.rng.next() < this.pWinner) this.winner = r;
        else if (this.losesLong()) this.hold(next, 1 + this.rng.below(this.longest));
        return r;
      }
      if (this.rng.next() < this.p) {
        const o = this.pickFree(d, next);
        if (o !== undefined) {
          this.hold(next, 1 + this.rng.below(8));
          return o;
        }
      }
      return next;
    }
    // Never rescue a thread in a window by letting it complete its write first.
    let open: Thread[] = NONE;
    for (const t of rivals) if (!this.inWindow(t)) (open === NONE ? (open = []) : open).push(t);
    if (open.length > 0 && this.rng.next() < this.p) return open[this.rng.below(open.length)]!;
    return next;
  }

  pick(d: Decision): Thread {
    const hl = this.heldList;
    for (let i = hl.length - 1; i >= 0; i--) {
      const t = hl[i]!;
      const n = this.holds[t.id]!;
      if (n <= 1 || t.done) {
        this.holds[t.id] = 0;
        hl.splice(i, 1);
      } else this.holds[t.id] = n - 1;
    }
    // Store buffers are the runnable threads the machine does not list (none under sequential consistency).
    let view = d;
    if (this.lazyDrain && d.m.tso) {
      const real = d.runnable.filter((t) => d.m.threads.includes(t));
      if (real.length > 0 && real.length < d.runnable.length) view = { ...d, runnable: real, dflt: real.includes(d.dflt) ? d.dflt : real[0]! };
    }
    const next = this.choose(view);
    const s = next.pending!;
    const hold = this.winner === next || (this.racy(next, s) && this.rng.next() < this.pLong) || this.publishes(s);
    if (hold) this.hold(next, 1 + this.rng.below(this.longest));
    this.winner = null;
    this.record(next, s);
    if (touchesWord(s)) {
      let l = this.loaded[next.id];
      if (l === undefined) this.loaded[next.id] = l = new Set();
      if (s.op === "load") l.add(s.addr);
      else if (writes(s)) l.delete(s.addr);
    }
    return next;
  }
}
