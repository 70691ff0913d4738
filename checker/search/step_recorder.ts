/**
 * The atomic steps of a sequential run, recorded as thread 0's with the index
 * of the command they belong to, so that a failing command sequence is a
 * counterexample like a concurrent one: saved, printed with the same table,
 * replayed step by step. With an expected schedule (a replay) it stops at the
 * first step whose label differs (ReplayDivergence). Subject-independent.
 */
import type { Machine, Observer } from "../../runtime/machine";
import type { TraceStep } from "../../runtime/run";
import { ReplayDivergence } from "../../runtime/schedulers/replay";
import type { Step } from "../../runtime/step";
import type { Thread } from "../../runtime/thread";

/** Records every step as it is made; with an expected schedule, stops at the first that differs. */
export class StepRecorder implements Observer {
  readonly schedule: TraceStep[] = [];
  op = 0;
  constructor(private readonly expected?: readonly TraceStep[]) {}
  beforeStep(m: Machine, t: Thread, s: Step): void {
    const i = this.schedule.length;
    if (this.expected !== undefined) {
      const want = this.expected[i];
      if (want === undefined) throw new ReplayDivergence(i + 1, 0, "the run ends here", `"${s.label}" comes next`);
      if (want.label !== s.label) throw new ReplayDivergence(i + 1, 0, `"${want.label}"`, `"${s.label}"`);
    }
    this.schedule.push({ thread: 0, label: s.label, op: this.op });
  }
  afterStep(): void {}
  opStart(): void {}
  opEnd(): void {}
}

