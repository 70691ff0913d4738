/**
 * --replay FILE: run the saved trace under the saved schedule, checking at
 * every step that the thread and label still match (docs/architecture.md, "Replay").
 */
import { ReplayDivergence, ReplayScheduler } from "../../runtime/schedulers/replay";
import { BadInput } from "../bad_input";
import { formatCounterexample, toCounterexample } from "../report/counterexample";
import { load } from "../report/cx_file";
import { runTrace } from "../search/trace";

export interface ReplayOutput {
  /** 0: the run passes now; 1: the violation is reproduced. */
  status: 0 | 1;
  text: string;
  json: { ok: boolean; file: string; replayed: boolean; steps: number; invariant: string | null; sameAsFile: boolean };
}

export function replay(file: string, replayCommand: (file: string) => string = (f) => `npm start -- --replay ${f}`): ReplayOutput {
  const { cx, variant } = load(file);
  const sched = new ReplayScheduler(cx.schedule);
  let run;
  try {
    run = runTrace(cx.trace, variant, { scheduler: sched, tso: cx.tso ?? false });
  } catch (e) {
    if (e instanceof ReplayDivergence) throw new BadInput(`replay of ${file} diverged at ${e.message} (the code no longer matches the file)`);
    throw e;
  }
  const r = run.result;
  if (r.violation !== null && sched.consumed < cx.schedule.length && r.failedAt === null) {
    throw new BadInput(`replay of ${file} stopped after ${sched.consumed} of ${cx.schedule.length} steps with ${r.violation.invariant} (the code no longer matches the file)`);
  }
  if (r.violation === null) {
    const note = sched.consumed === cx.schedule.length ? "" : ` (only ${sched.consumed} of ${cx.schedule.length} saved steps ran)`;
    return {
      status: 0,
      text: `replayed ${file}: all ${r.steps} steps ran and no invariant is violated${note}; the saved ${cx.violation.invariant} no longer occurs`,
      json: { ok: true, file, replayed: true, steps: r.steps, invariant: null, sameAsFile: false },
    };
  }
  const same = r.violation.invariant === cx.violation.invariant && r.failedAt === cx.failedAt;
  const shown = toCounterexample(cx.trace, r.trace, r.violation, r.failedAt, { ...(cx.mutant ? { mutant: cx.mutant } : {}), ...(cx.tso ? { tso: true } : {}) });
  const head = same ? `replayed ${file} exactly: ${r.violation.invariant} at step ${r.failedAt === null ? "quiescence" : r.failedAt + 1}` : `replayed ${file}: a different violation than the file records (${cx.violation.invariant} saved, ${r.violation.invariant} now)`;
  return {
    status: 1,
    text: `${head}\n\n${formatCounterexample(shown, variant.subject, replayCommand(file))}`,
    json: { ok: false, file, replayed: true, steps: r.steps, invariant: r.violation.invariant, sameAsFile: same },
  };
}
