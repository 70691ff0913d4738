/**
 * Replay by labels (docs/architecture.md, "Replay"): run exactly the saved (thread, label)
 * sequence, and stop with a clear message at the first step whose thread is
 * not runnable or whose label no longer matches the code.
 */
import type { Decision, Scheduler } from "../scheduler";
import type { TraceStep } from "../run";
import type { Thread } from "../thread";

export class ReplayDivergence extends Error {
  override readonly name = "ReplayDivergence";
}

export class ReplayScheduler implements Scheduler {
  readonly name = "replay";
  private i = 0;
  constructor(private readonly steps: readonly TraceStep[]) {}

  pick(d: Decision): Thread {
    const want = this.steps[this.i];
    if (want === undefined) throw new ReplayDivergence(`the saved schedule has ${this.steps.length} steps but the run goes on (next: ${d.dflt.name} "${d.dflt.pending?.label}")`);
    const t = d.runnable.find((r) => r.id === want.thread);
    if (t === undefined) throw new ReplayDivergence(`step ${this.i + 1}: thread ${want.thread} is not runnable (expected "${want.label}")`);
    if (t.pending!.label !== want.label) throw new ReplayDivergence(`step ${this.i + 1}: thread ${want.thread} is at "${t.pending!.label}", the file says "${want.label}"`);
    this.i++;
    return t;
  }

  /** Did the run use every saved step? */
  get consumed(): number {
    return this.i;
  }
}
