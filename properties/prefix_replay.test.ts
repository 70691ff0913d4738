/**
 * The exhaustive explorer's replayed prefix keeps the events the execution
 * that created its nodes recorded (runtime/exhaustive/path_scheduler.ts):
 * a replayed step's footprint is not logged and built again. That rests on
 * the program being deterministic, which the explorer already relies on (the
 * happens-before relation it keeps for the prefix is made of those events).
 * Checked here both ways: on every scenario of both subjects, rebuilding and
 * comparing every replayed step's footprint (`verifyPrefix`) finds no
 * difference and changes no figure of the search; and the comparison fails
 * on a program whose footprints do change from one execution to the next.
 */
import { exhaustive } from "../checker/jobs/exhaustive";
import { scenariosOf } from "../checker/exhaustive/scenario_files";
import { resolveVariant, SUBJECTS } from "../checker/variants";
import { Memory } from "../runtime/memory";
import { Machine } from "../runtime/machine";
import { runThreads } from "../runtime/run";
import { load, store } from "../runtime/step";
import { Thread } from "../runtime/thread";
import { explore } from "../runtime/exhaustive/units";
import { Nondeterminism } from "../runtime/exhaustive/path_scheduler";
import type { Program } from "../runtime/exhaustive/program";

describe("replayed prefix steps keep their recorded events", () => {
  for (const subject of SUBJECTS) {
    const design = subject.name === "series" ? "v3-fixed" : "merged";
    test(`every ${subject.name} scenario (${design}, 1 preemption): rebuilding each replayed footprint finds it equal and changes no figure`, () => {
      const variant = resolveVariant(design, null, subject);
      const scenarios = scenariosOf(subject);
      expect(scenarios.length).toBeGreaterThan(10);
      let replayed = 0;
      for (const scenario of scenarios) {
        const kept = exhaustive({ variant, scenario, preemptions: 1 }).summary;
        const rebuilt = exhaustive({ variant, scenario, preemptions: 1, verifyPrefix: true }).summary;
        const figures = (s: typeof kept) => [s.verdict, s.exhaustive.executions, s.exhaustive.atomicSteps, s.exhaustive.invariantChecks, s.violation?.invariant ?? null];
        expect({ scenario: scenario.name, figures: figures(rebuilt) }).toEqual({ scenario: scenario.name, figures: figures(kept) });
        if (kept.exhaustive.executions > 1) replayed++;
      }
      // Most scenarios have more than one execution, so a prefix was replayed and compared.
      expect(replayed).toBeGreaterThan(scenarios.length / 2);
    });
  }

  /**
   * T0 loads word 0 twice (the explorer's units fix the first two steps), then a word chosen by the
   * execution's number, then stores word 0; T1 stores word 0, then loads it.
   */
  function drifting(): Program {
    let executions = 0;
    return {
      start() {
        executions++;
        const mem = new Memory();
        const words = [mem.alloc("w", 1).base, mem.alloc("w", 1).base, mem.alloc("w", 1).base];
        const which = executions;
        const t0 = new Thread(0, "T0", [{ text: "T0", start: () => (function* () {
          yield load(words[0]!, "w", "T0: load 0");
          yield load(words[0]!, "w", "T0: load 0 again");
          yield load(words[1 + (which % 2)]!, "w", "T0: load 1 or 2");
          yield store(words[0]!, "w", 1, "T0: store");
          return 0;
        })() }]);
        const t1 = new Thread(1, "T1", [{ text: "T1", start: () => (function* () { yield store(words[0]!, "w", 2, "T1: store"); return yield load(words[0]!, "w", "T1: load"); })() }]);
        const machine = new Machine(mem, [t0, t1]);
        return { machine, run: (s, hooks) => runThreads(machine, s, 100, () => {}, hooks) };
      },
    };
  }

  test("a program whose footprints change between executions: the comparison throws Nondeterminism", () => {
    expect(() => explore(drifting(), { bound: 2, verifyPrefix: true })).toThrow(Nondeterminism);
    // Without the comparison the recorded events stand and the search ends: this is what the check guards.
    expect(() => explore(drifting(), { bound: 2 })).not.toThrow();
  });
});
