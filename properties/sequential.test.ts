/**
 * Sequential model-based properties (issue 2): random command sequences run on
 * the implementation and the model side by side; after every command every
 * invariant is checked, the abstraction of the implementation must equal the
 * model, and return values must agree.
 */
import fc from "fast-check";
import { DESIGNS } from "../impl/designs";
import { Thread } from "../runtime/thread";
import { worldConfigArb } from "./arbitraries";
import { BOUNDS } from "./config";
import { Coverage } from "./coverage";
import { commandArbs, type SeqModel, type SeqReal } from "./sequential_commands";
import { initialModel, makeWorld } from "./world";

const coverage = new Coverage();

function property(designName: string) {
  const design = DESIGNS[designName]!;
  return fc.property(worldConfigArb, fc.commands(commandArbs(), { maxCommands: BOUNDS.SEQ_MAX_COMMANDS, size: "max" }), (cfg, cmds) => {
    const t = new Thread(0, "vcpu0", []);
    const w = makeWorld(cfg, design, [t], { warnIsFatal: false });
    w.machine.observers.push(coverage);
    const model: SeqModel = { s: initialModel(cfg), phase: new Map(), v3: design.name !== "baseline" };
    const real: SeqReal = { w, t, commands: 0 };
    fc.modelRun(() => ({ model, real }), cmds);
  });
}

describe("sequential refinement", () => {
  afterAll(() => {
    // Coverage is shown, not asserted: see docs/model.md.
    process.stdout.write(`\nsequential coverage (${BOUNDS.SEQ_RUNS} sequences per design):\n${coverage.table()}\n`);
  });

  test("impl refines model on every sequential trace of the v3 series (normal and invalid slots, all levels)", () => {
    fc.assert(property("v3"), { numRuns: BOUNDS.SEQ_RUNS, seed: BOUNDS.SEQ_SEED });
  });

  test("impl refines model on every sequential trace of the v3.10 baseline", () => {
    fc.assert(property("baseline"), { numRuns: BOUNDS.SEQ_RUNS, seed: BOUNDS.SEQ_SEED + 1 });
  });
});
