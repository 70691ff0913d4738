/**
 * Generators of the figures in docs/ that are not --compare's
 * (compare_doc_blocks.ts lists where each goes): a corpus counterexample's
 * size and its listing (a fresh `--replay`), the exhaustive verdicts per
 * design over every series scenario, executions of one exhaustive run, and
 * sentences derived from a table the bench wrote into the same doc. Each is a
 * pure function of the code (and, for the derived ones, of the doc's text).
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { docBlock } from "../doc_markers";
import { formatter } from "../report/format";
import { resolveVariant } from "../variants";
import { exhaustive } from "./exhaustive";
import { replay } from "./replay";
import { loadScenario } from "../exhaustive/scenario_files";

const n0 = (x: number): string => Math.round(x).toLocaleString("en-US");
export const plural = (k: number, what: string, many = `${what}s`): string => `${n0(k)} ${k === 1 ? what : many}`;

/** A corpus file's path from its block name: `properties/corpus/NAME.json` (NAME may hold a folder, `lockless/...`). */
export const corpusFile = (name: string): string => `properties/corpus/${name}.json`;

/** The repository's root (the bench writes docs/ in a scratch copy, so corpus files are found from here, not from the cwd). */
function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("no package.json above checker/");
    dir = up;
  }
  return dir;
}

/** The wide replay's text of a corpus file (`npx rmapcheck --replay FILE --format wide`), from its VIOLATION line. */
function replayText(name: string): string[] {
  const file = corpusFile(name);
  const lines = replay(join(repoRoot(), file), { name: file, format: formatter("wide", null) }).text.split("\n");
  const from = lines.findIndex((l) => l.startsWith("VIOLATION of "));
  if (from < 0) throw new Error(`${file} no longer shows a violation`);
  const out = lines.slice(from);
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out;
}

/** A counterexample's size, from its replay: "3 operations, 24 atomic steps, 1 switch from the default schedule". */
export function cxSize(name: string): string {
  const m = /; (\d+) operations?, (\d+) atomic steps?, (\d+) switch(?:es)? from the default schedule\)$/.exec(replayText(name)[0]!);
  if (m === null) throw new Error(`${corpusFile(name)}: no size in its replay's first line`);
  const [ops, steps, switches] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Violated in the set-up, which runs alone before the threads: no step of a thread to count.
  if (steps === 0) return `${plural(ops, "operation")} of the set-up, run alone`;
  return `${plural(ops, "operation")}, ${plural(steps, "atomic step")}, ${plural(switches, "switch", "switches")} from the default schedule`;
}

/** The listing of a corpus counterexample, fenced, as `--replay FILE --format wide` prints it. */
export const cxListing = (name: string): string[] => ["```", ...replayText(name), "```"];

const preemptionText = (k: number): string => plural(k, "preemption");

/**
 * docs/findings.md's table of exhaustive verdicts per design, derived from
 * docs/exhaustive.md's grid "Every scenario, every design" (written by `npm
 * run bench -- exhaustive` from `npx rmapcheck --exhaustive --scenario S
 * --design D --preemptions P` on every scenario of `scenarios/`), subject
 * series: what is violated where, with the fewest preemptions, and on how many
 * of the others it is verified. `exhaustiveDoc` is that doc's text.
 */
export function exhaustiveVerdictTable(exhaustiveDoc: string): string[] {
  const lines = docBlock(exhaustiveDoc, "bench");
  if (lines === null) throw new Error("docs/exhaustive.md has no bench block");
  const title = lines.find((l) => l.startsWith("## Every scenario, every design, at most "));
  const bound = title === undefined ? null : /at most (\d+) preemptions?/.exec(title)?.[1];
  if (bound === undefined || bound === null) throw new Error("no grid \"Every scenario, every design\" in docs/exhaustive.md");
  const table = tableAfter(exhaustiveDoc, "bench", "| scenario | v3");
  const header = lines.find((l) => l.startsWith("| scenario | v3"))!.split("|").slice(2, -1).map((c) => c.trim());
  const rows = header.map((design, j) => {
    const cells = table.map((r) => ({ scenario: r[0]!, cell: r[j + 1]! })).filter((c) => c.cell !== "n/a");
    const verdict = (cell: string): string => cell.replace(/, [\d,]+ ex\., [\d.]+ s$/, "");
    const bad = cells.filter((c) => verdict(c.cell) !== "verified");
    const groups = new Map<string, string[]>();
    for (const c of bad) {
      const m = /^([A-Z][A-Z0-9-]*) \((\d+) pre\., \d+ steps\)$/.exec(verdict(c.cell));
      const what = m === null ? verdict(c.cell) : `${m[1]} with ${preemptionText(Number(m[2]))}`;
      groups.set(what, [...(groups.get(what) ?? []), c.scenario]);
    }
    const can = cells.length === table.length ? `all ${n0(table.length)}` : `the ${n0(cells.length)} of ${n0(table.length)} it can run`;
    const text = bad.length === 0
      ? `**verified** on ${can}`
      : `**violated** on ${n0(bad.length)} (${[...groups].map(([what, on]) => `${what}: ${on.join(", ")}`).join("; ")}); verified on the other ${n0(cells.length - bad.length)} of ${can}`;
    return `| \`${design}\` | ${text} |`;
  });
  return [`| design | at most ${preemptionText(Number(bound))}, every series scenario of \`scenarios/\` |`, "|---|---|", ...rows];
}

/** "14,267 executions": one exhaustive run's count (`--exhaustive --scenario S --design D --preemptions P|all`). */
export function exhaustiveExecutions(scenario: string, design: string, bound: number | null): string {
  const s = exhaustive({ variant: resolveVariant(design, null), scenario: loadScenario(scenario), preemptions: bound }).summary;
  if (!s.exhaustive.complete) throw new Error(`${scenario} ${design}: the run did not complete`);
  return plural(s.exhaustive.executions, "execution");
}

/** The rows of the first markdown table at or after the line starting with `heading` inside block `block` of `text`, as cells, without its header. */
export function tableAfter(text: string, block: string, heading: string): string[][] {
  const lines = docBlock(text, block);
  if (lines === null) throw new Error(`no block ${block}`);
  const at = lines.findIndex((l) => l.startsWith(heading));
  if (at < 0) throw new Error(`no "${heading}" in block ${block}`);
  const rows: string[][] = [];
  // The heading may be the table's own header row.
  for (const l of lines.slice(lines[at]!.startsWith("|") ? at : at + 1)) {
    if (!l.startsWith("|")) { if (rows.length > 0) break; continue; }
    if (/^\|-/.test(l)) continue;
    rows.push(l.split("|").slice(1, -1).map((c) => c.trim()));
  }
  return rows.slice(1); // the header row
}
