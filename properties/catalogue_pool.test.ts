/**
 * --mutants --workers N (checker/jobs/catalogue_pool.ts): the catalogue on
 * worker threads gives the rows one thread gives, in catalogue order, wall
 * times aside, and the same text; an interrupt reports the rows done and no
 * verdict.
 */
import { runCatalogue, runCatalogueOnWorkers } from "../checker";
import type { CatalogueHooks, MutantRow } from "../checker";
import { resolveSubject } from "../checker/variants";

const untimed = (rows: MutantRow[]) => rows.map((r) => ({ ...r, timing: null }));
const BASE = { seed: 1, runs: 150, sequences: 3, scheduler: "pct" as const, depth: 3, tso: false };

describe("the mutant catalogue on worker threads gives the rows of one thread", () => {
  const CASES: Array<{ subject: string; hooks: CatalogueHooks; workers: number }> = [
    { subject: "series", hooks: {}, workers: 2 }, // with each mutant's exhaustive run
    { subject: "lockless-aging", hooks: { fewestPreemptions: false }, workers: 3 },
  ];
  for (const c of CASES) {
    test(`${c.subject} on ${c.workers} workers${c.hooks.fewestPreemptions === false ? " (sampled only)" : ", exhaustive runs included"}`, async () => {
      const subject = resolveSubject(c.subject);
      const one = runCatalogue(BASE, c.hooks, subject);
      const seen: number[] = [];
      const many = await runCatalogueOnWorkers(BASE, c.workers, { ...c.hooks, progress: (p) => seen.push(p.done) }, subject);
      expect(one.rows).toHaveLength(subject.mutants.length);
      expect(one.rows.some((r) => r.detected)).toBe(true);
      expect(untimed(many.rows)).toEqual(untimed(one.rows));
      expect(many.text).toBe(one.text);
      expect(many.interrupted).toBe(false);
      expect(seen[seen.length - 1]).toBe(subject.mutants.length);
    });
  }

  test("an interrupt stops the workers' checks: the rows done so far, interrupted, no error", async () => {
    const subject = resolveSubject("series");
    let polls = 0;
    const r = await runCatalogueOnWorkers({ ...BASE, runs: 100000 }, 2, { interrupted: () => ++polls > 3, fewestPreemptions: false }, subject);
    expect(r.interrupted).toBe(true);
    expect(r.rows.length).toBeLessThan(subject.mutants.length);
    expect(r.text).toMatch(/^interrupted after \d+ of \d+ mutants/m);
  });
});
