/**
 * The lockless subject's regression corpus (properties/corpus/lockless/):
 * counterexamples of its design findings, each replayed exactly, and the same
 * operations and preemptions passing under the design that removes the cause
 * (docs/findings-lockless.md).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { loadCounterexample as load } from "../checker/report/cx_read";
import { runTrace } from "../checker/search/trace";
import { ReplayScheduler } from "../runtime/schedulers/replay";
import { lvariant } from "./lockless_support";

const dir = join(__dirname, "corpus", "lockless");
const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();

/** The design without each finding's cause. */
const REMEDY: Record<string, string> = {
  merged: "index-walk",
  "pre-928c54b1c4ca": "merged-aligned-callers",
  "unzeroed-desc-cache": "merged-aligned-callers",
};

describe("lockless regression corpus", () => {
  test("holds a counterexample of each design finding", () => {
    expect(files.map((f) => f.split("-seed")[0])).toEqual(["merged-AGE-COVERAGE", "pre-928c54b1c4ca-LOST-UPDATE", "unzeroed-desc-cache-DESC-SHAPE"]);
  });

  for (const f of files) {
    test(`${f} replays exactly`, () => {
      const { cx, variant } = load(join(dir, f));
      expect(variant.subject.name).toBe("lockless-aging");
      const sched = new ReplayScheduler(cx.schedule);
      const r = runTrace(cx.trace, variant, { scheduler: sched, tso: cx.tso ?? false }).result;
      expect(r.violation?.invariant).toBe(cx.violation.invariant);
      expect(r.failedAt).toBe(cx.failedAt);
      expect(sched.consumed).toBe(cx.schedule.length);
    });

    test(`${f}: the same operations and preemptions pass without the cause`, () => {
      const { cx } = load(join(dir, f));
      const fixed = REMEDY[cx.trace.design]!;
      expect(runTrace({ ...cx.trace, design: fixed }, lvariant(fixed)).result.violation).toBeNull();
    });
  }
});
