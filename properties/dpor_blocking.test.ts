/**
 * Blocked steps race too (runtime/exhaustive/races.ts, "blocked steps"), and
 * the reduction is checked against plain enumeration by behaviour class
 * (runtime/exhaustive/behaviour.ts), not by final state, on random programs
 * that wait, spin, lock, enter SRCU read sections and regions, synchronize,
 * send IPIs, allocate and free.
 */
import { explore } from "../runtime/exhaustive/units";
import { type Instr, type Litmus, litmusClasses, litmusProgram, newOutcomes, randomBlockingLitmus } from "./litmus";

const ld = (w: number): Instr => ({ op: "load", w });
const st = (w: number, v: number): Instr => ({ op: "store", w, v });
const BOUNDS: Array<number | null> = [0, 1, 2, null];

/** T0: pad; X = 1; r = Y; X = 0      T1: pad; wait_until(X == 0); Y = 2   (X word 0, Y word 1, pads read word 2) */
function flagProgram(pad: number): Litmus {
  const p = Array.from({ length: pad }, () => ld(2));
  return { words: 3, threads: [[...p, st(0, 1), ld(1), st(0, 0)], [...p, { op: "waitUntil", w: 0, v: 0 }, st(1, 2)]] };
}

/** What T0's r read, over every execution explored. */
function t0Reads(t: Litmus, bound: number | null, reduce: boolean, sleepSets?: boolean): string[] {
  const o = newOutcomes();
  explore(litmusProgram(t, o), { bound, reduce, continueAfterFailure: !reduce, ...(sleepSets === undefined ? {} : { sleepSets }) });
  return [...new Set([...o.finals].map((f) => f.split("| ")[1]!.split(",")[0]!))].sort();
}

describe("a wait races with the write that disabled it", () => {
  for (let pad = 0; pad <= 3; pad++) {
    test(`pad ${pad}: T0 reads Y = 0 and Y = 2 in every mode`, () => {
      const t = flagProgram(pad);
      for (const bound of BOUNDS) {
        expect({ bound, reduce: false, reads: t0Reads(t, bound, false) }).toEqual({ bound, reduce: false, reads: ["0", "2"] });
        expect({ bound, reduce: true, reads: t0Reads(t, bound, true) }).toEqual({ bound, reduce: true, reads: ["0", "2"] });
        // Sleep sets are on by default without a bound only (under a bound they lose schedules: dpor.test.ts).
        if (bound === null) expect({ bound, sleep: false, reads: t0Reads(t, bound, true, false) }).toEqual({ bound, sleep: false, reads: ["0", "2"] });
      }
    });
  }
});

const classes = litmusClasses;

describe("the reduction reaches every behaviour class plain enumeration reaches", () => {
  // Plain enumeration without a bound grows fastest: more programs, a smaller budget each (a program
  // whose plain enumeration does not finish within it is skipped, and counted).
  for (const bound of BOUNDS) {
    const [PROGRAMS, BUDGET] = bound === null ? [300, 800] : [150, 3000];
    test(`random programs with waits, locks, SRCU, regions and frees, bound ${bound ?? "none"} (${PROGRAMS} programs)`, () => {
      let compared = 0;
      let several = 0;
      let failing = 0;
      let classesSeen = 0;
      for (let seed = 1; seed <= PROGRAMS; seed++) {
        const t = randomBlockingLitmus(seed);
        const plain = classes(t, bound, false, BUDGET);
        if (!plain.complete) continue;
        const reduced = classes(t, bound, true);
        if (plain.keys.has("FAIL")) {
          // The reduced search stops at its first failure: it must find one.
          failing++;
          expect({ seed, failed: reduced.keys.has("FAIL") }).toEqual({ seed, failed: true });
          continue;
        }
        compared++;
        classesSeen += plain.keys.size;
        if (plain.keys.size > 1) several++;
        const missed = [...plain.keys].filter((k) => !reduced.keys.has(k));
        const extra = [...reduced.keys].filter((k) => !plain.keys.has(k));
        expect({ seed, missed, extra }).toEqual({ seed, missed: [], extra: [] });
      }
      // The sample is not vacuous: most programs compared, some failing, many with several classes.
      expect(compared).toBeGreaterThan(PROGRAMS / 2);
      expect(failing).toBeGreaterThan(0);
      process.stderr.write(`bound ${bound ?? "none"}: ${compared} programs compared (${classesSeen} classes, ${several} with several), ${failing} failing\n`);
      expect(several).toBeGreaterThan(PROGRAMS / 10);
    });
  }
});
