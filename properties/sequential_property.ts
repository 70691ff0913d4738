/**
 * The sequential model-based property: a generated configuration and command
 * sequence, run on implementation and model side by side (runCommand checks
 * after every command).
 */
import fc from "fast-check";
import type { Design } from "../impl/designs";
import type { Symbols } from "../impl/symbols";
import { Thread } from "../runtime/thread";
import { worldConfigArb } from "./arbitraries";
import { BOUNDS } from "./config";
import type { Coverage } from "./coverage";
import type { SeqStats } from "./sequential_check";
import { commandArbs, type SeqModel, type SeqReal } from "./sequential_commands";
import { initialModel, makeWorld } from "./world";

export function sequentialProperty(design: Design, overrides: Partial<Symbols> = {}, coverage?: Coverage, stats?: SeqStats) {
  return fc.property(worldConfigArb, fc.commands(commandArbs(), { maxCommands: BOUNDS.SEQ_MAX_COMMANDS, size: "max" }), (cfg, cmds) => {
    const t = new Thread(0, "vcpu0", []);
    const w = makeWorld(cfg, design, [t], { warnIsFatal: false }, overrides);
    if (coverage) w.machine.observers.push(coverage);
    const model: SeqModel = { s: initialModel(cfg), phase: new Map(), v3: design.name !== "baseline" };
    if (stats) stats.sequences++;
    const real: SeqReal = { w, t, ...(stats ? { stats } : {}) };
    fc.modelRun(() => ({ model, real }), cmds);
  });
}
