/**
 * `npm run bench -- figures`: every generated figure of docs/ that DOC_BLOCKS
 * (checker/jobs/compare_doc_blocks.ts) lists and that is not --compare's,
 * from a fresh run of the command it names: the cheap ones (CI also checks
 * them, properties/doc_numbers.test.ts) and the dear ones (minutes:
 * executions of an unbounded exhaustive run), which only this part checks,
 * by rewriting them. Run it after `npm run bench --
 * exhaustive`: some figures are derived from that part's tables.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { docBlockSpecs, freshBlock, withDocBlock } from "../checker";

export function benchFigures(log: (s: string) => void): void {
  const stale: string[] = [];
  for (const b of docBlockSpecs().filter((x) => x.cost !== "compare")) {
    const t0 = Date.now();
    const lines = freshBlock(b.name, readFileSync(b.file, "utf8"));
    // Read again: a dear block takes minutes, and the doc may have changed meanwhile.
    const text = readFileSync(b.file, "utf8");
    const next = withDocBlock(text, b.name, lines, b.inline === true);
    writeFileSync(b.file, next);
    if (next !== text) stale.push(`${b.file} ${b.name}`);
    log(`[bench] figures: ${b.file} ${b.name}${next === text ? "" : " (STALE: rewritten)"}, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  log(stale.length === 0 ? "[bench] figures: every figure equals a fresh run" : `[bench] figures: ${stale.length} stale figure(s) rewritten: ${stale.join("; ")}`);
}
