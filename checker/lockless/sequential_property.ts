/**
 * The sequential model-based property of the lockless subject: a generated
 * configuration and command sequence, run on implementation and model side by
 * side, checked after every step (the step checker) and every command.
 */
import fc from "fast-check";
import { enabled, init } from "../../model/lockless/spec";
import { Thread } from "../../runtime/thread";
import { Interrupted } from "../interrupted";
import { SEARCH_BOUNDS } from "../search/bounds";
import { failedStep, runRecorded, StepRecorder } from "../search/step_recorder";
import type { LocklessOp } from "../../model/lockless/operations";
import type { TraceStep } from "../../runtime/run";
import type { SeqHooks, SequentialResult, Trace, Variant } from "../subject";
import { runLocklessCommand } from "./oracle/sequential_check";
import { asViolation } from "../violation";
import { sequentialConfigArb } from "./arbitraries";
import type { LocklessCoverage } from "./oracle/coverage";
import { LocklessStepChecker } from "./oracle/step_checker";
import { locklessCommandArbs, type LocklessSeqModel, type LocklessSeqReal } from "./sequential_commands";
import { asLockless } from "./variants";
import { type LocklessConfig, makeLocklessWorld } from "./world";

export interface LocklessSeqHooks extends SeqHooks {
  coverage?: LocklessCoverage;
}

export function locklessSequentialProperty(v: Variant, hooks: LocklessSeqHooks = {}) {
  const variant = asLockless(v);
  const commands = fc.commands(locklessCommandArbs(variant.kernelDesign.callers), { maxCommands: SEARCH_BOUNDS.SEQ_MAX_COMMANDS, size: "max" });
  return fc.property(sequentialConfigArb, commands, (cfg, cmds) => {
    if (hooks.interrupted?.()) throw new Interrupted();
    hooks.progress?.(hooks.stats?.sequences ?? 0);
    const t = new Thread(0, "T0:sequential", []);
    const w = makeLocklessWorld(cfg, variant, [t]);
    const checker = new LocklessStepChecker(w, { sequential: true });
    w.machine.observers.push(checker);
    if (hooks.coverage) {
      hooks.coverage.world = w;
      hooks.coverage.onConfig(cfg);
      w.machine.observers.push(hooks.coverage);
    }
    if (hooks.stats) hooks.stats.sequences++;
    const recorder = new StepRecorder();
    w.machine.observers.push(recorder);
    const real: LocklessSeqReal = { w, t, checker, ran: [], recorder, failure: { duringStep: false }, ...(hooks.stats ? { stats: hooks.stats } : {}) };
    const model: LocklessSeqModel = { s: init(w.geo, w.slot) };
    try {
      fc.modelRun(() => ({ model, real }), cmds);
    } catch (e) {
      hooks.failed?.({ config: cfg, ops: [...real.ran], schedule: recorder.schedule, failedAt: failedStep(recorder, real.failure), violation: asViolation(e) });
      throw e;
    }
  });
}

/** Run a sequential counterexample again, one command at a time beside the model (Subject.runSequential). */
export function locklessRunSequential(trace: Trace, v: Variant, schedule?: readonly TraceStep[]): SequentialResult {
  const variant = asLockless(v);
  const cfg = trace.config as LocklessConfig;
  const t = new Thread(0, "T0:sequential", []);
  const w = makeLocklessWorld(cfg, variant, [t]);
  const checker = new LocklessStepChecker(w, { sequential: true });
  w.machine.observers.push(checker);
  const recorder = new StepRecorder(schedule);
  w.machine.observers.push(recorder);
  let model = init(w.geo, w.slot);
  return runRecorded(
    recorder,
    (trace.threads[0]?.ops ?? []) as LocklessOp[],
    (op, failure) => {
      model = runLocklessCommand(w, t, checker, model, op, undefined, failure);
    },
    (op) => enabled(model, op),
  );
}
