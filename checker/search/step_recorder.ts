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
import type { SequentialResult } from "../subject";
import { asViolation } from "../violation";

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


/** Whether an atomic step (not a check after the command) raised the violation of a sequential run. */
export interface StepFailure {
  duringStep: boolean;
}

/** The index of the failing step, or null when a check after the last command found the violation. */
export function failedStep(recorder: StepRecorder, failure: StepFailure): number | null {
  return failure.duringStep ? recorder.schedule.length - 1 : null;
}

/**
 * Run a sequential counterexample's commands one at a time (`runOne` runs one
 * beside the model and throws its violation), recording every step; stops at
 * the first violation, or before a command whose guard `isEnabled` (asked
 * just before it runs) is false. A ReplayDivergence is not a violation: it
 * propagates.
 */
export function runRecorded<Op>(recorder: StepRecorder, ops: readonly Op[], runOne: (op: Op, failure: StepFailure) => void, isEnabled: (op: Op) => boolean): SequentialResult {
  const failure: StepFailure = { duringStep: false };
  try {
    for (const [i, op] of ops.entries()) {
      if (!isEnabled(op)) return { violation: null, failedAt: null, schedule: recorder.schedule, notEnabled: i };
      recorder.op = i;
      runOne(op, failure);
    }
  } catch (e) {
    if (e instanceof ReplayDivergence) throw e;
    return { violation: asViolation(e), failedAt: failedStep(recorder, failure), schedule: recorder.schedule };
  }
  return { violation: null, failedAt: null, schedule: recorder.schedule };
}
