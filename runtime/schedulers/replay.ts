/**
 * Replay by labels (docs/architecture.md, "Replay"): run exactly the saved
 * (thread, label) sequence, and stop at the first step whose thread is not
 * runnable or whose label no longer matches the code, saying what the file
 * says and what the code does there.
 */
import type { TraceStep } from "../run";
import type { Decision, Scheduler } from "../scheduler";
import type { Thread } from "../thread";

export class ReplayDivergence extends Error {
  override readonly name = "ReplayDivergence";
  constructor(
    /** 1-based step number. */
    readonly step: number,
    readonly thread: number,
    readonly fileSays: string,
    readonly codeSays: string,
  ) {
    super(`step ${step} (thread ${thread}): file says ${fileSays}, code says ${codeSays}`);
  }
}

export class ReplayScheduler implements Scheduler {
  readonly name = "replay";
  private i = 0;
  constructor(private readonly steps: readonly TraceStep[]) {}

  pick(d: Decision): Thread {
    const want = this.steps[this.i];
    const at = this.i + 1;
    if (want === undefined) throw new ReplayDivergence(at, d.dflt.id, "the run ends here", `"${d.dflt.pending?.label}" comes next`);
    const t = d.runnable.find((r) => r.id === want.thread);
    if (t === undefined) {
      const o = d.m.threads.find((r) => r.id === want.thread);
      const state = o === undefined ? "a store buffer with nothing to commit" : o.done ? "done" : `blocked at "${o.pending?.label}"`;
      throw new ReplayDivergence(at, want.thread, `"${want.label}"`, `the thread is ${state}`);
    }
    if (t.pending!.label !== want.label) throw new ReplayDivergence(at, want.thread, `"${want.label}"`, `"${t.pending!.label}"`);
    this.i++;
    return t;
  }

  /** Did the run use every saved step? */
  get consumed(): number {
    return this.i;
  }
}
