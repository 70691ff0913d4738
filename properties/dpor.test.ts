/**
 * The exhaustive explorer on small programs whose interleavings are known,
 * and against plain enumeration on random ones: with the same preemption
 * bound, dynamic partial-order reduction must reach exactly the final states
 * and failures that enumerating every schedule reaches.
 */
import { explore } from "../runtime/exhaustive/units";
import { type Instr, type Litmus, litmusProgram, newOutcomes, type Outcomes, randomLitmus } from "./litmus";

/** Explore t; plain enumeration goes on after a failure, so that it finds every outcome. */
function run(t: Litmus, bound: number | null, reduce: boolean): { outcomes: Outcomes; executions: number; failed: boolean } {
  const outcomes = newOutcomes();
  const r = explore(litmusProgram(t, outcomes), { bound, reduce, continueAfterFailure: !reduce });
  return { outcomes, executions: r.stats.executions, failed: r.violation !== null };
}

const ld = (w: number): Instr => ({ op: "load", w });
const st = (w: number, v: number): Instr => ({ op: "store", w, v });

describe("DPOR on programs with known interleavings", () => {
  test("two threads on different words: one class", () => {
    const r = run({ words: 2, threads: [[st(0, 1), ld(0)], [st(1, 1), ld(1)]] }, null, true);
    expect(r.executions).toBe(1);
    expect(r.outcomes.finals.size).toBe(1);
    expect(run({ words: 2, threads: [[st(0, 1), ld(0)], [st(1, 1), ld(1)]] }, null, false).executions).toBe(6);
  });

  test("two threads writing one word: two classes", () => {
    const r = run({ words: 1, threads: [[st(0, 1)], [st(0, 2)]] }, null, true);
    expect(r.executions).toBe(2);
    expect([...r.outcomes.finals].sort()).toEqual(["1 | 0,0", "2 | 0,0"]);
  });

  test("store buffering (x = 1; r0 = y || y = 1; r1 = x): three classes, never r0 = r1 = 0 under SC", () => {
    const r = run({ words: 2, threads: [[st(0, 1), ld(1)], [st(1, 1), ld(0)]] }, null, true);
    expect(r.executions).toBe(3);
    expect([...r.outcomes.finals].sort()).toEqual(["1,1 | 0,1", "1,1 | 1,0", "1,1 | 1,1"]);
  });

  test("lost update (r = x; x = r + 1 twice): four classes, x = 1 in two", () => {
    const inc: Instr[] = [ld(0), { op: "storeR", w: 0 }];
    const r = run({ words: 1, threads: [inc, inc] }, null, true);
    expect(r.executions).toBe(4);
    expect(new Set([...r.outcomes.finals].map((f) => f.split(" |")[0]))).toEqual(new Set(["1", "2"]));
  });

  test("the same increments under a lock: two classes, x = 2", () => {
    const inc: Instr[] = [{ op: "lock", l: 0 }, ld(0), { op: "storeR", w: 0 }, { op: "unlock", l: 0 }];
    const r = run({ words: 1, threads: [inc, inc] }, null, true);
    expect(r.executions).toBe(2);
    expect(new Set([...r.outcomes.finals].map((f) => f.split(" |")[0]))).toEqual(new Set(["2"]));
  });

  test("an observer's reads count: a state seen only between two independent writes is reached", () => {
    // x = 1 and y = 1 commute, but the observer fails on x = 1, y = 0, seen only if x is written first.
    const t: Litmus = { words: 2, threads: [[st(1, 1)], [st(0, 2)]], bad: (v) => v[0] === 2 && v[1] === 0 };
    expect(run(t, null, true).failed).toBe(true);
    expect(run(t, 0, true).failed).toBe(true);
  });
});

describe("the preemption bound", () => {
  const two: Litmus = { words: 2, threads: [[st(0, 1), st(0, 2)], [st(1, 1), st(1, 2)]] };
  test("enumeration: 2 schedules without preemption, 4 with at most one, all 6 with two", () => {
    expect(run(two, 0, false).executions).toBe(2);
    expect(run(two, 1, false).executions).toBe(4);
    expect(run(two, 2, false).executions).toBe(6);
    expect(run(two, null, false).executions).toBe(6);
  });

  test("a race that needs a preemption is found only with a bound of 1 or more", () => {
    // T1 must run between T0's store and its load to make T0 read 2.
    const t: Litmus = { words: 1, threads: [[st(0, 1), ld(0)], [st(0, 2)]] };
    const reads = (b: number | null) => new Set([...run(t, b, true).outcomes.finals].map((f) => f.split("| ")[1]!.split(",")[0]));
    expect(reads(0)).toEqual(new Set(["1"]));
    expect(reads(1)).toEqual(new Set(["1", "2"]));
    const late: Litmus = { words: 1, threads: [[st(0, 1), ld(0), st(0, 3)], [st(0, 2)]] };
    const finals = (b: number | null) => new Set([...run(late, b, true).outcomes.finals].map((f) => f.split(" |")[0]));
    expect(finals(0)).toEqual(new Set(["3", "2"]));
  });
});

describe("sleep sets and the bound", () => {
  // T0: r = x; y |= 2; x = r + 1.  T1: r = y; lock; unlock. With no preemption, T1 reads y = 0 only
  // when it runs first; sleep sets would put T0 to sleep there, for a T0-first schedule that needs a
  // preemption to read y = 0 (docs/exhaustive.md, "DPOR under a bound").
  const t: Litmus = { words: 2, threads: [[ld(0), { op: "or", w: 1, v: 2 }, { op: "storeR", w: 0 }], [ld(1), { op: "lock", l: 0 }, { op: "unlock", l: 0 }]] };
  const t1Reads = (o: Outcomes) => new Set([...o.finals].map((f) => f.split("| ")[1]!.split(",")[1]));
  test("with sleep sets under a bound a schedule within the bound is lost", () => {
    const o = newOutcomes();
    explore(litmusProgram(t, o), { bound: 0, sleepSets: true });
    expect(t1Reads(o)).toEqual(new Set(["2"]));
  });
  test("without them (the default under a bound) it is found", () => {
    expect(t1Reads(run(t, 0, true).outcomes)).toEqual(new Set(["0", "2"]));
    expect(t1Reads(run(t, 0, false).outcomes)).toEqual(new Set(["0", "2"]));
  });
});

describe("DPOR against plain enumeration on random programs", () => {
  // Where some schedule fails, the reduced search must find a failure (it stops at the first); where
  // none does, it must reach exactly the final states plain enumeration reaches.
  for (const [bound, SEEDS] of [[0, 200], [1, 200], [2, 200], [null, 40]] as Array<[number | null, number]>) {
    test(`the same verdict and final states with preemption bound ${bound ?? "none"} (${SEEDS} programs)`, () => {
      let reduced = 0;
      let plain = 0;
      let failing = 0;
      for (let seed = 1; seed <= SEEDS; seed++) {
        const t = randomLitmus(seed);
        const a = run(t, bound, true);
        const b = run(t, bound, false);
        if (b.outcomes.failures.size > 0) {
          failing++;
          expect({ seed, failed: a.failed }).toEqual({ seed, failed: true });
        } else {
          expect({ seed, failed: a.failed, finals: [...a.outcomes.finals].sort() }).toEqual({ seed, failed: false, finals: [...b.outcomes.finals].sort() });
          reduced += a.executions;
          plain += b.executions;
        }
      }
      expect(failing).toBeGreaterThan(SEEDS / 10);
      expect(failing).toBeLessThan(SEEDS - SEEDS / 10);
      if (bound !== 0) expect(reduced).toBeLessThan(plain);
    });
  }
});
