/**
 * Checker state outside simulated memory under more than one lock
 * (checker/series/exhaustive_resources.ts, DIRTY). A checker that keeps the
 * words written in a critical section and checks them when a lock is
 * released sees the others' steps only through that state: unless each
 * step that touches it declares it in its footprint, the reduction may
 * treat a release of another lock as independent and never run it between
 * two writes, and the reduced search's verdict differs from plain
 * enumeration's. Declared, the two agree; a checker that empties the set
 * only at its own lock's release (what rmap_writes.ts does) has no such
 * interleaving to find.
 */
import { programResource } from "../runtime/exhaustive/engine_resources";
import type { Execution, Program } from "../runtime/exhaustive/program";
import { explore } from "../runtime/exhaustive/units";
import { Machine, type Observer } from "../runtime/machine";
import { Memory } from "../runtime/memory";
import { runThreads } from "../runtime/run";
import { type KGen, spinLock, spinUnlock, store } from "../runtime/step";
import { Thread } from "../runtime/thread";

const DIRTY = programResource(0);

/**
 * T0: spin_lock(0); x = 2; x = 1; spin_unlock(0)      T1: spin_lock(1); spin_unlock(1)
 * The checker adds x to its set when written under lock 0, and at a release
 * (of `clearOn`: any lock, or lock 0 only) fails if a word of the set holds 2,
 * then empties it.
 */
function program(clearOn: "any" | "own", declared: boolean): Program {
  return {
    start(): Execution {
      const mem = new Memory();
      const x = mem.alloc("w", 1).base;
      function* t0(): KGen<void> {
        yield spinLock("t0: spin_lock(0)", 0);
        yield store(x, "w", 2, "t0: x = 2");
        yield store(x, "w", 1, "t0: x = 1");
        yield spinUnlock("t0: spin_unlock(0)", 0);
      }
      function* t1(): KGen<void> {
        yield spinLock("t1: spin_lock(1)", 1);
        yield spinUnlock("t1: spin_unlock(1)", 1);
      }
      const threads = [new Thread(0, "T0", [{ text: "t0", start: t0 }]), new Thread(1, "T1", [{ text: "t1", start: t1 }])];
      const m = new Machine(mem, threads);
      const dirty = new Set<number>();
      const checker: Observer = {
        afterStep(mm, _t, s) {
          if (s.op === "store" && mm.holder(0) !== null) dirty.add(s.addr);
          if (s.op === "spin_unlock" && (clearOn === "any" || s.addr === 0)) {
            for (const a of dirty) if (mem.peek(a) === 2) throw new Error(`x = 2 at the release of lock ${s.addr}`);
            dirty.clear();
          }
        },
        opStart() {},
        opEnd() {},
      };
      m.observers.push(checker);
      return {
        machine: m,
        run: (sched, hooks) => runThreads(m, sched, 100, () => {}, hooks),
        ...(declared
          ? {
              extraFootprint: (c, into) => {
                const op = c.step.op;
                if (op === "store" || (op === "spin_unlock" && (clearOn === "any" || c.step.addr === 0))) into.write(DIRTY);
              },
            }
          : {}),
      };
    },
  };
}

const fails = (p: Program, bound: number | null, reduce: boolean): boolean => explore(p, { bound, reduce, continueAfterFailure: false }).violation !== null;

describe("checker state outside memory with two locks", () => {
  test("plain enumeration finds the release of lock 1 between the two writes", () => {
    expect(fails(program("any", false), 1, false)).toBe(true);
  });
  test("undeclared, the reduced search misses it (why the state must be declared)", () => {
    expect(fails(program("any", false), 1, true)).toBe(false);
    expect(fails(program("any", false), null, true)).toBe(false);
  });
  test("declared as a footprint resource, the reduced search finds it, bounded and not", () => {
    expect(fails(program("any", true), 1, true)).toBe(true);
    expect(fails(program("any", true), null, true)).toBe(true);
  });
  test("emptied only at its own lock's release, there is nothing to find, in either search", () => {
    for (const declared of [false, true]) {
      expect(fails(program("own", declared), 2, false)).toBe(false);
      expect(fails(program("own", declared), null, true)).toBe(false);
    }
  });
});
