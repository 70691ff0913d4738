/**
 * The sequential model-based property: a generated configuration and command
 * sequence, run on implementation and model side by side (runCommand checks
 * after every command).
 */
import fc from "fast-check";
import type { OpDesc } from "../../model/operations";
import { Thread } from "../../runtime/thread";
import type { Coverage } from "../oracle/coverage";
import type { SeqStats } from "../oracle/sequential_check";
import type { Variant } from "../variants";
import { asViolation, type Violation } from "../violation";
import { initialModel, makeWorld, type WorldConfig } from "../world";
import { worldConfigArb } from "./arbitraries";
import { SEARCH_BOUNDS } from "./bounds";
import { commandArbs, type SeqModel, type SeqReal } from "./sequential_commands";

/** A failing sequence: the configuration, the operations that ran (the last one failed), its atomic steps. */
export interface SeqFailure {
  config: WorldConfig;
  ops: OpDesc[];
  steps: number;
  violation: Violation;
}

export interface SeqHooks {
  coverage?: Coverage;
  stats?: SeqStats;
  /** Called with every failing run; fast-check's last failing run is its shrunk counterexample. */
  failed?: (f: SeqFailure) => void;
}

export function sequentialProperty(variant: Variant, hooks: SeqHooks = {}) {
  return fc.property(worldConfigArb, fc.commands(commandArbs(), { maxCommands: SEARCH_BOUNDS.SEQ_MAX_COMMANDS, size: "max" }), (cfg, cmds) => {
    const t = new Thread(0, "vcpu0", []);
    const w = makeWorld(cfg, variant, [t], { warnIsFatal: false });
    if (hooks.coverage) w.machine.observers.push(hooks.coverage);
    const model: SeqModel = { params: w.params, s: initialModel(cfg, variant) };
    if (hooks.stats) hooks.stats.sequences++;
    const real: SeqReal = { w, t, ran: [], ...(hooks.stats ? { stats: hooks.stats } : {}) };
    try {
      fc.modelRun(() => ({ model, real }), cmds);
    } catch (e) {
      hooks.failed?.({ config: cfg, ops: [...real.ran], steps: w.machine.stepIndex, violation: asViolation(e) });
      throw e;
    }
  });
}
