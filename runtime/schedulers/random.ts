/** Uniformly random among the runnable threads at every step (seeded). */
import { Prng } from "../prng";
import type { Decision, Scheduler } from "../scheduler";
import type { Thread } from "../thread";

export class RandomScheduler implements Scheduler {
  readonly name = "random";
  private readonly rng: Prng;
  constructor(seed: number) {
    this.rng = new Prng(seed);
  }
  pick(d: Decision): Thread {
    return d.runnable[this.rng.below(d.runnable.length)]!;
  }
}
