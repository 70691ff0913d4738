/**
 * The exhaustive mode under x86-TSO (runtime/machine.ts: each store buffer's
 * commit is an event, a fence waits for an empty buffer): the classic
 * store-buffer litmus tests give the outcomes x86 allows and no others, in
 * every mode, and on random programs the reduction reaches every behaviour
 * class plain enumeration reaches (Abdulla et al., TACAS 2015, is the scheme).
 */
import { explore } from "../runtime/exhaustive/units";
import { type Instr, type Litmus, litmusClasses, litmusProgram, newOutcomes, randomBlockingLitmus, randomLitmus } from "./litmus";

const ld = (w: number): Instr => ({ op: "load", w });
const st = (w: number, v: number): Instr => ({ op: "store", w, v });
const mb: Instr = { op: "mb", w: 0 };
const BOUNDS: Array<number | null> = [0, 1, 2, null];

/** The threads' results (each thread's register) over every execution explored. */
function results(t: Litmus, bound: number | null, reduce: boolean): string[] {
  const o = newOutcomes();
  explore(litmusProgram(t, o), { bound, reduce, continueAfterFailure: !reduce });
  return [...new Set([...o.finals].map((f) => f.split("| ")[1]!))].sort();
}

describe("store-buffer litmus tests", () => {
  // SB: T0: x = 1; r0 = y     T1: y = 1; r1 = x. x86 allows r0 = r1 = 0 (each load passes its own buffered store).
  const sb = (fence: boolean, tso: boolean): Litmus => ({ words: 2, tso, threads: [[st(0, 1), ...(fence ? [mb] : []), ld(1)], [st(1, 1), ...(fence ? [mb] : []), ld(0)]] });
  // MP: T0: data = 1; flag = 1     T1: r = flag; r = 7r + data. x86 keeps stores in order: never flag 1 with data 0.
  const mp: Litmus = { words: 2, tso: true, threads: [[st(0, 1), st(1, 1)], [ld(1), ld(0)]] };
  for (const bound of BOUNDS) {
    for (const reduce of [false, true]) {
      const mode = `bound ${bound ?? "none"}, ${reduce ? "reduced" : "plain"}`;
      test(`SB: r0 = r1 = 0 under x86-TSO only, and not across smp_mb (${mode})`, () => {
        // A load that passes a buffered store of another CPU runs while that CPU could commit: one preemption.
        if (bound === 0) expect(results(sb(false, true), bound, reduce)).not.toContain("0,0");
        else expect(results(sb(false, true), bound, reduce)).toContain("0,0");
        expect(results(sb(false, false), bound, reduce)).not.toContain("0,0");
        expect(results(sb(true, true), bound, reduce)).not.toContain("0,0");
      });
      test(`MP: the reader never sees the flag without the data (${mode})`, () => {
        const seen = results(mp, bound, reduce);
        expect(seen).not.toContain("0,7");
        // 0 | 7: the register after reading flag 1 then data 1 is 1 * 7 + 1 = 8.
        expect(seen).toContain("0,8");
      });
    }
  }
});

const classes = litmusClasses;

describe("under x86-TSO the reduction reaches every behaviour class plain enumeration reaches", () => {
  const kinds = [
    { name: "loads, stores, read-modify-writes, locks, fences and frees", make: randomLitmus, programs: 80 },
    { name: "waits, locks, SRCU, regions, allocation and frees", make: randomBlockingLitmus, programs: 80 },
  ];
  for (const kind of kinds) {
    for (const bound of BOUNDS) {
      test(`random programs with ${kind.name}, bound ${bound ?? "none"} (${kind.programs} programs)`, () => {
        let compared = 0;
        let several = 0;
        for (let seed = 1; seed <= kind.programs; seed++) {
          const t = { ...kind.make(seed), tso: true };
          const plain = classes(t, bound, false, 3000);
          if (!plain.complete) continue;
          const reduced = classes(t, bound, true);
          if (plain.keys.has("FAIL")) {
            expect({ seed, failed: reduced.keys.has("FAIL") }).toEqual({ seed, failed: true });
            continue;
          }
          compared++;
          if (plain.keys.size > 1) several++;
          const missed = [...plain.keys].filter((k) => !reduced.keys.has(k));
          const extra = [...reduced.keys].filter((k) => !plain.keys.has(k));
          expect({ seed, missed, extra }).toEqual({ seed, missed: [], extra: [] });
        }
        process.stderr.write(`x86-TSO, ${kind.name}, bound ${bound ?? "none"}: ${compared} compared, ${several} with several classes\n`);
        expect(compared).toBeGreaterThan(kind.programs / 3);
        expect(several).toBeGreaterThanOrEqual(3);
      });
    }
  }
});
