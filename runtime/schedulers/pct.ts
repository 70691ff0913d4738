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
  private readonly prio = new Map<number, number>();
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
    order.forEach((t, rank) => this.prio.set(t, depth + rank));
    this.changes = Array.from({ length: Math.max(0, depth - 1) }, () => 1 + rng.below(Math.max(1, expectedSteps)));
  }

  pick(d: Decision): Thread {
    const at = this.changes.indexOf(this.step);
    if (at >= 0 && this.last !== null) this.prio.set(this.last.id, at);
    this.step++;
    // Threads not known at construction (x86-TSO store buffers) get a random initial priority.
    for (const t of d.runnable) if (!this.prio.has(t.id)) this.prio.set(t.id, this.prio.size + 2 + this.rng.below(this.prio.size + 1));
    let best = d.runnable[0]!;
    for (const t of d.runnable) if ((this.prio.get(t.id) ?? 0) > (this.prio.get(best.id) ?? 0)) best = t;
    this.last = best;
    return best;
  }
}
