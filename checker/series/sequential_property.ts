/**
 * The sequential model-based property: a generated configuration and command
 * sequence, run on implementation and model side by side (runCommand checks
 * after every command).
 */
import fc from "fast-check";
import { Thread } from "../../runtime/thread";
import { SEARCH_BOUNDS } from "../search/bounds";
import type { SeqHooks, Variant } from "../subject";
import { Interrupted } from "../interrupted";
import { asViolation } from "../violation";
import { worldConfigArb } from "./arbitraries";
import type { Coverage } from "./oracle/coverage";
import { commandArbs, type SeqModel, type SeqReal } from "./sequential_commands";
import { failedStep, StepRecorder } from "../search/step_recorder";
import { asSeries } from "./variants";
import { fastConfig, initialModel, makeWorld } from "./world";

export interface SeriesSeqHooks extends SeqHooks {
  coverage?: Coverage;
}

export function sequentialProperty(v: Variant, hooks: SeriesSeqHooks = {}) {
  const variant = asSeries(v);
  return fc.property(worldConfigArb, fc.commands(commandArbs(), { maxCommands: SEARCH_BOUNDS.SEQ_MAX_COMMANDS, size: "max" }), (generated, cmds) => {
    if (hooks.interrupted?.()) throw new Interrupted();
    // The same configuration, its records copied fast: impl/ reads kvm.cfg at nearly every step.
    const cfg = fastConfig(generated);
    hooks.progress?.(hooks.stats?.sequences ?? 0);
    const t = new Thread(0, "T0:sequential", []);
    const w = makeWorld(cfg, variant, [t], { warnIsFatal: false });
    if (hooks.coverage) w.machine.observers.push(hooks.coverage);
    const model: SeqModel = { params: w.params, cfg, s: initialModel(cfg, variant) };
    if (hooks.stats) hooks.stats.sequences++;
    const recorder = new StepRecorder();
    w.machine.observers.push(recorder);
    const real: SeqReal = { w, cfg, t, ran: [], recorder, failure: { duringStep: false }, ...(hooks.stats ? { stats: hooks.stats } : {}) };
    try {
      fc.modelRun(() => ({ model, real }), cmds);
    } catch (e) {
      hooks.failed?.({ config: generated, ops: [...real.ran], schedule: recorder.schedule, failedAt: failedStep(recorder, real.failure), violation: asViolation(e) });
      throw e;
    }
  });
}
