/**
 * The sequential model-based property of the lockless subject: a generated
 * configuration and command sequence, run on implementation and model side by
 * side, checked after every step (the step checker) and every command.
 */
import fc from "fast-check";
import { init } from "../../model/lockless/spec";
import { Thread } from "../../runtime/thread";
import { SEARCH_BOUNDS } from "../search/bounds";
import type { SeqHooks, Variant } from "../subject";
import { asViolation } from "../violation";
import { configArb } from "./arbitraries";
import type { LocklessCoverage } from "./oracle/coverage";
import { LocklessStepChecker } from "./oracle/step_checker";
import { locklessCommandArbs, type LocklessSeqModel, type LocklessSeqReal } from "./sequential_commands";
import { asLockless } from "./variants";
import { makeLocklessWorld } from "./world";

export interface LocklessSeqHooks extends SeqHooks {
  coverage?: LocklessCoverage;
}

export function locklessSequentialProperty(v: Variant, hooks: LocklessSeqHooks = {}) {
  const variant = asLockless(v);
  const commands = fc.commands(locklessCommandArbs(variant.kernelDesign.callers), { maxCommands: SEARCH_BOUNDS.SEQ_MAX_COMMANDS, size: "max" });
  return fc.property(configArb, commands, (cfg, cmds) => {
    const t = new Thread(0, "vcpu0", []);
    const w = makeLocklessWorld(cfg, variant, [t]);
    const checker = new LocklessStepChecker(w, { sequential: true });
    w.machine.observers.push(checker);
    if (hooks.coverage) {
      hooks.coverage.world = w;
      hooks.coverage.onConfig(cfg);
      w.machine.observers.push(hooks.coverage);
    }
    if (hooks.stats) hooks.stats.sequences++;
    const real: LocklessSeqReal = { w, t, checker, ran: [], ...(hooks.stats ? { stats: hooks.stats } : {}) };
    const model: LocklessSeqModel = { s: init(w.geo, w.slot) };
    try {
      fc.modelRun(() => ({ model, real }), cmds);
    } catch (e) {
      hooks.failed?.({ config: cfg, ops: [...real.ran], steps: w.machine.stepIndex, violation: asViolation(e) });
      throw e;
    }
  });
}
