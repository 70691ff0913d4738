/**
 * The regression corpus.
 *   corpus/*.json        counterexamples that revealed a real bug in a design:
 *                        replayed exactly, and the same operations and
 *                        preemptions pass under the corrected design;
 *   corpus/fixed/*.json  counterexamples that revealed a bug in this project
 *                        (a model or checker rule too strict for the
 *                        kernel's real behaviour, see docs/findings.md):
 *                        they must pass now.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { loadCounterexample as load } from "../checker/report/cx_read";
import { runTrace } from "../checker/search/trace";
import { ReplayScheduler } from "../runtime/schedulers/replay";
import { variant } from "./variants";

const dir = join(__dirname, "corpus");
const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();

describe("regression corpus", () => {
  test("holds the counterexamples of the design findings", () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  for (const f of files) {
    test(`${f} replays exactly`, () => {
      const { cx, variant: v } = load(join(dir, f));
      const sched = new ReplayScheduler(cx.schedule);
      const r = runTrace(cx.trace, v, { scheduler: sched, tso: cx.tso ?? false }).result;
      expect(r.violation?.invariant).toBe(cx.violation.invariant);
      expect(r.failedAt).toBe(cx.failedAt);
      expect(sched.consumed).toBe(cx.schedule.length);
    });

    test(`${f}: the same operations and preemptions pass under v3-fixed`, () => {
      const { cx } = load(join(dir, f));
      if (cx.mutant !== undefined) return;
      const r = runTrace({ ...cx.trace, design: "v3-fixed" }, variant("v3-fixed")).result;
      expect(r.violation).toBeNull();
    });
  }
});

const fixedDir = join(dir, "fixed");
const fixedFiles = readdirSync(fixedDir).filter((f) => f.endsWith(".json")).sort();

describe("regression corpus of the checker's own bugs", () => {
  for (const f of fixedFiles) {
    test(`${f}: the once-reported run passes now`, () => {
      const { cx, variant: v } = load(join(fixedDir, f));
      expect(runTrace(cx.trace, v).result.violation).toBeNull();
    });
  }
});
