/**
 * PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi,
 * Nagarakatte, ASPLOS 2010): random distinct thread priorities; d - 1 change
 * points chosen uniformly among the first k steps; always run the highest
 * priority runnable thread; at the i-th change point the running thread drops
 * to priority i (below every initial priority). Finds a bug of depth d with
 * probability at least 1 / (n k^(d-1)).
 */
import { Prng } from "../prng";
import type { Decision, Scheduler } from "../scheduler";
import type { Thread } from "../thread";

export class PctScheduler implements Scheduler {
  readonly name = "pct";
  /** Priority of each thread, by thread id (undefined: not known yet); ids are small, dense integers. */
  private readonly prio: number[] = [];
  /** How many threads have a priority. */
  private known = 0;
  private readonly changes: number[];
  private step = 0;
  private last: Thread | null = null;
  private readonly rng: Prng;

  constructor(seed: number, threads: number, depth: number, expectedSteps: number) {
    const rng = new Prng(seed);
    this.rng = rng;
    const order = Array.from({ length: threads }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.below(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    order.forEach((t, rank) => this.setPrio(t, depth + rank));
    this.changes = Array.from({ length: Math.max(0, depth - 1) }, () => 1 + rng.below(Math.max(1, expectedSteps)));
  }

  private setPrio(id: number, p: number): void {
    if (this.prio[id] === undefined) this.known++;
    this.prio[id] = p;
  }

  pick(d: Decision): Thread {
    const at = this.changes.indexOf(this.step);
    if (at >= 0 && this.last !== null) this.setPrio(this.last.id, at);
    this.step++;
    const runnable = d.runnable;
    // Threads not known at construction (x86-TSO store buffers) get a random initial priority.
    for (let i = 0; i < runnable.length; i++) {
      const id = runnable[i]!.id;
      if (this.prio[id] === undefined) this.setPrio(id, this.known + 2 + this.rng.below(this.known + 1));
    }
    let best = runnable[0]!;
    let top = this.prio[best.id]!;
    for (let i = 1; i < runnable.length; i++) {
      const t = runnable[i]!;
      const p = this.prio[t.id]!;
      if (p > top) {
        best = t;
        top = p;
      }
    }
    this.last = best;
    return best;
  }
}
