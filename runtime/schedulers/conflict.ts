/**
 * Race-directed preemption, layered on another strategy (after RaceFuzzer,
 * Sen, PLDI 2008). Two windows are a few steps wide and blind preemption
 * points rarely land in them:
 *   - a read-modify-write done as a load and a later store of the same word
 *     (lost updates): when a thread's next step stores to the word its
 *     previous step loaded, hold it back for a few steps with probability p;
 *   - two threads about to touch the same word, one writing (or one freeing
 *     the object the other touches): switch to the other with probability p.
 * Everything else is decided by the inner strategy. Seeded, so deterministic.
 */
import type { Machine } from "../machine";
import { Prng } from "../prng";
import type { Decision, Scheduler } from "../scheduler";
import { type Step, writesWord } from "../step";
import type { Thread } from "../thread";

function conflicts(m: Machine, a: Step, b: Step): boolean {
  if (a.addr === 0 || b.addr === 0) return false;
  const aw = writesWord(a.op) || a.op === "free";
  const bw = writesWord(b.op) || b.op === "free";
  if (!aw && !bw) return false;
  if (a.addr === b.addr) return true;
  if (a.op !== "free" && b.op !== "free") return false;
  const oa = m.mem.objectAt(a.addr);
  return oa !== undefined && oa === m.mem.objectAt(b.addr);
}

export class ConflictDirectedScheduler implements Scheduler {
  readonly name: string;
  private readonly rng: Prng;
  /** The step each thread ran last. */
  private readonly last = new Map<Thread, Step>();
  /** Threads held back, and for how many more decisions. */
  private readonly held = new Map<Thread, number>();

  constructor(private readonly inner: Scheduler, seed: number, private readonly p = 0.8) {
    this.name = `${inner.name}+races`;
    this.rng = new Prng(seed ^ 0x5bd1e995);
  }

  private other(d: Decision, not: Thread): Thread | undefined {
    const free = d.runnable.filter((t) => t !== not && !this.held.has(t));
    return free.length === 0 ? undefined : free[this.rng.below(free.length)];
  }

  /** Is t between a load of a word and its store back to that word (a lost-update window)? */
  private inWindow(t: Thread): boolean {
    const prev = this.last.get(t);
    const s = t.pending;
    return prev !== undefined && s !== null && prev.op === "load" && s.op === "store" && s.addr === prev.addr;
  }

  pick(d: Decision): Thread {
    for (const [t, n] of this.held) {
      if (n <= 1 || t.done) this.held.delete(t);
      else this.held.set(t, n - 1);
    }
    let next = this.inner.pick(d);
    if (this.held.has(next)) next = this.other(d, next) ?? next;
    const s = next.pending!;
    const rivals = d.runnable.filter((t) => t !== next && t.pending !== null && conflicts(d.m, s, t.pending));
    if (this.inWindow(next)) {
      // A writer of the same word goes first, always; otherwise hold the window open for a while.
      if (rivals.length > 0) next = rivals[this.rng.below(rivals.length)]!;
      else if (this.rng.next() < this.p) {
        const o = this.other(d, next);
        if (o !== undefined) {
          this.held.set(next, 1 + this.rng.below(8));
          next = o;
        }
      }
    } else {
      // Never rescue a thread in a window by letting it complete its store first.
      const open = rivals.filter((t) => !this.inWindow(t));
      if (open.length > 0 && this.rng.next() < this.p) next = open[this.rng.below(open.length)]!;
    }
    this.last.set(next, next.pending!);
    return next;
  }
}
