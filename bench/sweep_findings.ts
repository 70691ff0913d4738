/**
 * Part of `npm run bench -- sweep`: the block sweep-findings of
 * docs/findings.md, the smallest scenario the sweep finds for each design
 * with a known race, beside the hand-written scenario that showed it first.
 * Read from the rows of docs/sweep.md's sweep-runs block (written by the same
 * part), so the two cannot disagree; the scenario's own words come from
 * generating its scope again.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { docBlock, generateScope, loadScope, withDocBlock } from "../checker";

const FINDINGS = "docs/findings.md";
const BLOCK = "sweep-findings";

/** Design -> the finding and the hand-written scenario that shows it (docs/findings.md, docs/findings-lockless.md). */
const KNOWN: ReadonlyArray<[design: string, finding: string, handWritten: string]> = [
  ["v3", "F1 (F2 too: see `v3-fix1-only`, v3 with F1's fix)", "f1-destroy-vs-shrink"],
  ["v3-fix2-only", "F1", "f1-destroy-vs-shrink"],
  ["v3-fix1-only", "F2", "f2-delete-vs-shrink"],
  ["zap-all-2019", "INV-TLB at a lock-break", "zap-all-lock-break"],
  ["merged", "L1", "lockless-age-unaligned"],
  ["pre-928c54b1c4ca", "K7", "lockless-k7-ad-disabled"],
  ["unzeroed-desc-cache", "a desc from the cache with stale fields", "lockless-desc-cache"],
];

const ROW = /^\| `([^`]+)` \| `([^`]+)` \| \*\*violation\*\* \| ([A-Z-]+): (\d+) ops, (\d+) preemptions, (\d+) steps \(`([^`]+)`\) \|/;

export function writeSweepFindings(sweepDoc: string): void {
  const rows = docBlock(readFileSync(sweepDoc, "utf8"), "sweep-runs") ?? [];
  const words = new Map<string, Map<string, string>>();
  const describe = (scope: string, name: string): string => {
    if (!words.has(scope)) words.set(scope, new Map(generateScope(loadScope(scope)).scenarios.map((s) => [s.scenario.name, s.scenario.description])));
    return (words.get(scope)!.get(name) ?? "").replace(/^Scope [^,]+, /, "").replace(/\.$/, "").replaceAll("|", "\\|");
  };
  const out: string[] = [];
  for (const [design, finding, hand] of KNOWN) {
    for (const l of rows) {
      const m = l.match(ROW);
      if (!m || m[2] !== design) continue;
      const [, scope, , inv, ops, pre, steps, name] = m as unknown as string[];
      out.push(`| \`${design}\` | ${finding} | \`${hand}\` | ${inv} in \`${name}\` (${scope}): ${ops} operations, ${pre} preemptions, ${steps} steps; ${describe(scope!, name!)} |`);
    }
  }
  const text = readFileSync(FINDINGS, "utf8");
  if (docBlock(text, BLOCK) === null) return;
  writeFileSync(FINDINGS, withDocBlock(text, BLOCK, [
    "Written by `npm run bench -- sweep` from its rows in docs/sweep.md (the smallest violation of each design's sweep; operations count the set-up).",
    "",
    "| design | finding | hand-written scenario | smallest scenario of the sweep |",
    "|---|---|---|---|",
    ...out,
  ]));
}
