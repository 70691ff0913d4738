/**
 * --replay FILE: run the saved trace under the saved schedule, checking at
 * every step that the thread and label still match (docs/architecture.md,
 * "Replay"). A damaged file is BadInput "malformed file"; a file the code no
 * longer matches is BadInput "the code no longer matches", with the step.
 */
import { ReplayDivergence, ReplayScheduler } from "../../runtime/schedulers/replay";
import { BadInput } from "../bad_input";
import { type Counterexample, formatCounterexample, toCounterexample } from "../report/counterexample";
import { loadCounterexample } from "../report/cx_read";
import { formatHtml } from "../report/html";
import { cpuThreads, usesStoreBuffers } from "../search/sc_form";
import { runTrace } from "../search/trace";
import type { TraceStep } from "../../runtime/run";
import type { Variant } from "../subject";
import type { Violation } from "../violation";

export interface ReplayOutput {
  /** 0: the run passes now; 1: a violation is reproduced. */
  status: 0 | 1;
  text: string;
  json: { ok: boolean; file: string; replayed: boolean; steps: number; invariant: string | null; sameAsFile: boolean };
}

export interface ReplayHooks {
  /** How messages name the file (default: the path as given). */
  name?: string;
  replayCommand?: (file: string) => string;
  format?: (cx: Counterexample, variant: Variant, replay: string) => string;
  /** The output is the counterexample as one HTML document alone (checker/report/html.ts). */
  html?: boolean;
}

const SC_UNDER_TSO = "tso: is true, but its schedule is sequentially consistent (no store commits late, no load misses a buffered store)";

const noLongerMatches = (file: string, what: string): BadInput => new BadInput(`the code no longer matches ${file} at ${what}`);

export function replay(path: string, hooks: ReplayHooks = {}): ReplayOutput {
  const file = hooks.name ?? path;
  const { cx, variant } = loadCounterexample(path, file);
  const cannotRun = (): BadInput | null => {
    const problem = cx.mode === "sequential" ? null : (variant.subject.traceProblem?.(cx.trace, variant) ?? null);
    return problem === null ? null : new BadInput(`malformed file ${file}: trace: ${problem}`);
  };
  let r: { violation: Violation | null; failedAt: number | null; trace: TraceStep[]; steps: number };
  try {
    if (cx.mode === "sequential") {
      // A command the model's guard forbids makes the file damaged, not the
      // code changed. The commands before it may already stray from the
      // saved steps (a removed command changes them), so when the run
      // diverges, the commands alone (no schedule to match) say which it is.
      const malformed = (i: number): BadInput =>
        new BadInput(`malformed file ${file}: trace.threads.0.ops.${i}: ${variant.subject.opText(cx.trace.threads[0]!.ops[i])} may not run there (its guard in the model is false)`);
      let s;
      try {
        s = variant.subject.runSequential(cx.trace, variant, cx.schedule);
      } catch (e) {
        const free = e instanceof ReplayDivergence ? variant.subject.runSequential(cx.trace, variant) : null;
        if (free?.notEnabled !== undefined) throw malformed(free.notEnabled);
        throw e;
      }
      if (s.notEnabled !== undefined) throw malformed(s.notEnabled);
      r = { ...s, trace: s.schedule, steps: s.schedule.length };
    } else {
      // A schedule with no commit step cannot be an x86-TSO run that stored anything.
      const threads = cpuThreads(cx.trace, variant);
      if (cx.tso === true && !cx.schedule.some((s) => s.thread >= threads)) throw new BadInput(`malformed file ${file}: ${SC_UNDER_TSO}`);
      const run = runTrace(cx.trace, variant, { scheduler: new ReplayScheduler(cx.schedule), tso: cx.tso ?? false }).result;
      r = run;
      if (cx.tso === true && !usesStoreBuffers(run)) throw new BadInput(`malformed file ${file}: ${SC_UNDER_TSO}`);
    }
  } catch (e) {
    // A trace that cannot run (Subject.traceProblem: a DELETE of a slot that
    // does not exist, ...) is a damaged file, not changed code. Asked only
    // when the replay fails: a generated run may hold such an operation and
    // still replay exactly (a DELETE of a missing slot returns early).
    throw cannotRun() ?? (e instanceof ReplayDivergence ? noLongerMatches(file, e.message) : e);
  }
  // failedAt says where the saved run stopped; a run that stops elsewhere with the same violation contradicts the file.
  if (r.violation !== null && r.violation.invariant === cx.violation.invariant && r.trace.length === cx.schedule.length && (r.failedAt === null) !== (cx.failedAt === null)) {
    const ran = r.failedAt === null ? "its run fails at quiescence" : `its run fails at its last step, ${r.failedAt + 1}`;
    throw new BadInput(`malformed file ${file}: failedAt: is ${cx.failedAt}, but ${ran}`);
  }
  const left = cx.schedule[r.trace.length];
  if (left !== undefined && (r.violation === null || r.failedAt === null)) {
    const stop = r.violation === null ? "the run ended" : `the run stopped with ${r.violation.invariant}`;
    throw cannotRun() ?? noLongerMatches(file, `step ${r.trace.length + 1} (thread ${left.thread}): file says "${left.label}", code says ${stop}`);
  }
  if (r.violation === null) {
    return {
      status: 0,
      text: `replayed ${file}: all ${r.steps} steps ran and no invariant is violated; the saved ${cx.violation.invariant} no longer occurs`,
      json: { ok: true, file, replayed: true, steps: r.steps, invariant: null, sameAsFile: false },
    };
  }
  const same = r.violation.invariant === cx.violation.invariant && r.failedAt === cx.failedAt;
  const shown: Counterexample = { ...toCounterexample(cx.trace, r.trace, r.violation, r.failedAt, { ...(cx.mutant ? { mutant: cx.mutant } : {}), ...(cx.tso ? { tso: true } : {}) }), ...(cx.mode ? { mode: cx.mode } : {}) };
  const where = r.failedAt === null ? "at quiescence" : `at step ${r.failedAt + 1}`;
  const head = same ? `replayed ${file}\n  exactly: ${r.violation.invariant} ${where}` : `replayed ${file}\n  a different violation than the file records: ${cx.violation.invariant} saved, ${r.violation.invariant} now`;
  const command = (hooks.replayCommand ?? ((f: string) => `npx rmapcheck --replay ${f}`))(file);
  if (hooks.html === true) {
    return { status: 1, text: formatHtml(shown, variant, command), json: { ok: false, file, replayed: true, steps: r.steps, invariant: r.violation.invariant, sameAsFile: same } };
  }
  const body = hooks.format ? hooks.format(shown, variant, command) : formatCounterexample(shown, variant.subject, command);
  return {
    status: 1,
    text: `${head}\n\n${body}`,
    json: { ok: false, file, replayed: true, steps: r.steps, invariant: r.violation.invariant, sameAsFile: same },
  };
}
