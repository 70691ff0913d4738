/**
 * One sequential command sequence of the 2013 series, on the implementation
 * and the model side by side (runCommand), with every atomic step recorded as
 * thread 0's, so that a failure is a counterexample like a concurrent one:
 * saved, printed with the same table, replayed step by step.
 */
import type { OpDesc } from "../../model/operations";
import { enabled } from "../../model/spec";
import type { TraceStep } from "../../runtime/run";
import { Thread } from "../../runtime/thread";
import { runRecorded, StepRecorder } from "../search/step_recorder";
import type { SeqStats, SequentialResult, Trace, Variant } from "../subject";
import { runCommand } from "./oracle/sequential_check";
import { asSeries } from "./variants";
import { initialModel, makeWorld, type World, type WorldConfig } from "./world";

/** The role of the single thread of a sequential counterexample. */
export const SEQUENTIAL_ROLE = "sequential";

/** Run ops one at a time on a fresh world; stops at the first violation. */
export function runOps(world: World, cfg: WorldConfig, variant: Variant, ops: readonly OpDesc[], recorder: StepRecorder, stats?: SeqStats): SequentialResult {
  const t = new Thread(0, "T0:sequential", []);
  world.machine.observers.push(recorder);
  let model = initialModel(cfg, asSeries(variant));
  return runRecorded(
    recorder,
    ops,
    (op, failure) => {
      model = runCommand(world, t, model, op, stats, failure);
    },
    (op) => enabled(world.params, model, op),
  );
}

export function runSequential(trace: Trace, variant: Variant, schedule?: readonly TraceStep[]): SequentialResult {
  const cfg = trace.config as WorldConfig;
  const world = makeWorld(cfg, asSeries(variant), [], { warnIsFatal: false });
  return runOps(world, cfg, variant, (trace.threads[0]?.ops ?? []) as OpDesc[], new StepRecorder(schedule));
}
