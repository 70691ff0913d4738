/**
 * --cross-check: the reduced search's behaviour classes against plain
 * enumeration's (runtime/exhaustive/cross_check.ts). The comparison itself
 * finds what a search misses, each missed class replays to itself, and the
 * unbounded search of the two lockless scenarios on which it once missed a
 * class (a blocked rmap-lock attempt that never raced) now misses none.
 */
import { exhaustive } from "../checker/jobs/exhaustive";
import { loadScenario } from "../checker/exhaustive/scenario_files";
import { resolveSubject, resolveVariant } from "../checker/variants";
import { BehaviourRecorder } from "../runtime/exhaustive/behaviour";
import { ClassIndex, enumerateClasses, missedClasses } from "../runtime/exhaustive/cross_check";
import { explore } from "../runtime/exhaustive/units";
import type { Decision } from "../runtime/scheduler";
import { type Litmus, litmusProgram, newOutcomes } from "./litmus";

// T1 reads x = 1 only if it runs between T0's two stores: a class that needs one preemption.
const t: Litmus = { words: 1, threads: [[{ op: "store", w: 0, v: 1 }, { op: "store", w: 0, v: 2 }], [{ op: "load", w: 0 }]] };

test("a search that misses a class is caught, and each missed class replays to itself", () => {
  const program = litmusProgram(t, newOutcomes());
  const narrow = new ClassIndex();
  explore(program, { bound: 0, onBehaviour: narrow.add });
  const plain = enumerateClasses(program, 1, {});
  expect(plain.complete).toBe(true);
  const missed = missedClasses(plain.index, narrow);
  expect(missed).toEqual([expect.stringContaining("t: load -> 1")]);
  for (const key of missed) {
    const order = plain.index.classes.get(key)!;
    const exec = program.start();
    if ("setupFailure" in exec) throw new Error("set-up failed");
    const rec = BehaviourRecorder.attach(exec.machine);
    let i = 0;
    const pick = (d: Decision) => {
      const want = order[i++];
      return d.runnable.find((x) => x.id === want)!;
    };
    exec.run({ name: "order", pick }, { before() {}, after() {} });
    expect(rec.key()).toBe(key);
  }
  // The reduced search at the same bound misses nothing.
  const reduced = new ClassIndex();
  explore(program, { bound: 1, onBehaviour: reduced.add });
  expect(missedClasses(plain.index, reduced)).toEqual([]);
});

describe("lockless scenarios without a bound, cross-checked within 2 preemptions", () => {
  const subject = resolveSubject("lockless-aging");
  for (const name of ["lockless-desc-cache", "lockless-age-vs-zap"]) {
    test(`${name}, merged: verified, 0 missed classes`, () => {
      const s = exhaustive({ variant: resolveVariant("merged", null, subject), scenario: loadScenario(name), preemptions: null, crossCheck: { bound: 2 } }).summary;
      expect({ verdict: s.verdict, missed: s.crossCheck?.missed, complete: s.crossCheck?.complete }).toEqual({ verdict: "verified", missed: 0, complete: true });
      // Plain enumeration reaches several classes (the comparison is not vacuous).
      expect(s.crossCheck!.plainClasses).toBeGreaterThan(40);
    });
  }
});
