/**
 * Sequential model-based properties (issue 2): random command sequences run on
 * the implementation and the model side by side; after every command every
 * invariant is checked, the abstraction of the implementation must equal the
 * model, and return values must agree.
 */
import fc from "fast-check";
import { Coverage } from "../checker/series/oracle/coverage";
import { sequentialProperty } from "../checker/series/sequential_property";
import type { SeqFailure } from "../checker/subject";
import { BOUNDS } from "./config";
import { variant } from "./variants";

const coverage = new Coverage();

describe("sequential refinement", () => {
  afterAll(() => {
    // Coverage is shown, not asserted: see docs/model.md.
    process.stdout.write(`\nsequential coverage (${BOUNDS.SEQ_RUNS} sequences per design):\n${coverage.table()}\n`);
  });

  test("impl refines model on every sequential trace of the v3 series (normal and invalid slots, all levels)", () => {
    fc.assert(sequentialProperty(variant("v3"), { coverage }), { numRuns: BOUNDS.SEQ_RUNS, seed: BOUNDS.SEQ_SEED });
  });

  test("impl refines model on every sequential trace of the v3.10 baseline", () => {
    fc.assert(sequentialProperty(variant("baseline"), { coverage }), { numRuns: BOUNDS.SEQ_RUNS, seed: BOUNDS.SEQ_SEED + 1 });
  });

  for (const name of ["v3-fixed", "v3-skip-cmpxchg"]) {
    test(`impl refines model on every sequential trace of ${name}`, () => {
      fc.assert(sequentialProperty(variant(name), { coverage }), { numRuns: Math.ceil(BOUNDS.SEQ_RUNS / 4), seed: BOUNDS.SEQ_SEED + 2 });
    });
  }
});

describe("sequential properties catch broken pte-list code with short counterexamples", () => {
  for (const name of ["no-backfill", "remove-j-off-by-one"]) {
    test(`mutant ${name} fails with a counterexample of a handful of commands`, () => {
      let last: SeqFailure | null = null;
      const r = fc.check(sequentialProperty(variant("v3", name), { failed: (f) => (last = f) }), { numRuns: BOUNDS.SEQ_RUNS, seed: BOUNDS.SEQ_SEED });
      expect(r.failed).toBe(true);
      expect(last).not.toBeNull();
      expect(last!.ops.length).toBeLessThanOrEqual(8);
    });
  }
});
