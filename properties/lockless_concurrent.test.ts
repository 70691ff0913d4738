/**
 * Concurrent properties of the lockless subject, fixed seeds: generated traces
 * of every actor (faults, zaps, dirty logging, write tracking, two lockless
 * agers, hardware, fast page faults) interleaved at atomic steps, every
 * invariant checked after every step, under sequential consistency and
 * x86-TSO; failures shrunk and made 1-minimal.
 */
import fc from "fast-check";
import { explore } from "../checker/search/explore";
import { isOneMinimal } from "../checker/search/minimize";
import { runTrace } from "../checker/search/trace";
import { PctScheduler } from "../runtime/schedulers/pct";
import { BOUNDS } from "./config";
import { LOCKLESS, lvariant } from "./lockless_support";

const runs = Math.ceil(BOUNDS.CONC_RUNS / 2);

describe("lockless aging, concurrent refinement", () => {
  for (const tso of [false, true]) {
    for (const scheduler of ["pct", "random"] as const) {
      test(`the merged code with L6's change (age-skips-elided) refines the model under any interleaving of its actors, aligned callers (${scheduler}, ${tso ? "x86-TSO" : "SC"})`, () => {
        const r = explore({ variant: lvariant("age-skips-elided"), seed: BOUNDS.CONC_SEED, runs, scheduler, tso });
        expect(r.counterexample).toBeNull();
        expect(r.runs).toBe(runs);
        expect(r.invariantChecks).toBeGreaterThan(r.steps);
      });
    }
  }

  test("index-walk (the candidate change for L1) shows no violation on the fixed seed with any aging range (its walk still has L6: lockless_l6.test.ts)", () => {
    const r = explore({ variant: lvariant("index-walk"), seed: BOUNDS.CONC_SEED, runs, scheduler: "pct" });
    expect(r.counterexample).toBeNull();
  });

  test("the merged code with any aging range: AGE-COVERAGE, shrunk to one operation and 1-minimal", () => {
    const v = lvariant("merged");
    const r = explore({ variant: v, seed: 1, runs: BOUNDS.FIND_RUNS, scheduler: "pct", candidates: 1 });
    expect(r.counterexample?.violation.invariant).toBe("AGE-COVERAGE");
    const cx = r.counterexample!;
    expect(cx.trace.setup.length + cx.trace.threads.reduce((n, t) => n + t.ops.length, 0)).toBe(1);
    expect(isOneMinimal(cx.trace, (t) => runTrace(t, v).result)).toBe(true);
  });

  test("without 928c54b1c4ca a lock holder's plain store loses the ager's access tracking (LOST-UPDATE), 1-minimal", () => {
    const v = lvariant("pre-928c54b1c4ca");
    const r = explore({ variant: v, seed: 1, runs: BOUNDS.FIND_RUNS, scheduler: "pct", candidates: 1 });
    expect(r.counterexample?.violation.invariant).toBe("LOST-UPDATE");
    expect(isOneMinimal(r.counterexample!.trace, (t) => runTrace(t, v).result)).toBe(true);
  });

  test("the same seed gives the same counterexample, byte for byte", () => {
    const go = () => explore({ variant: lvariant("pre-928c54b1c4ca"), seed: 2, runs: BOUNDS.FIND_RUNS, scheduler: "pct", candidates: 1 });
    const a = go();
    const b = go();
    expect(JSON.stringify(b.counterexample)).toBe(JSON.stringify(a.counterexample));
    expect(b.steps).toBe(a.steps);
  });

  test("the incremental checker finds whatever the full checker finds", () => {
    for (const [design, mutant] of [["merged-aligned-callers", null], ["merged-aligned-callers", "drop-head-forgets-more"], ["merged-aligned-callers", "age-without-rmap-lock"]] as const) {
      const v = lvariant(design, mutant);
      fc.assert(
        fc.property(LOCKLESS.runArb(v), (g) => {
          const sched = () => new PctScheduler(g.seed, LOCKLESS.roles.length, 3, LOCKLESS.pctSteps);
          const inc = runTrace(g.trace, v, { scheduler: sched() }).result;
          const full = runTrace(g.trace, v, { scheduler: sched(), full: true }).result;
          if (full.violation !== null) {
            expect(inc.violation).not.toBeNull();
            expect(inc.trace.length).toBeLessThanOrEqual(full.trace.length);
          }
        }),
        { numRuns: 200, seed: 6 },
      );
    }
  });
});
