/**
 * `npx tsx bench/main.ts compare` (part of `npm run bench`): the designs side
 * by side (checker/jobs/compare.ts), written to docs/compare.md with three SVG
 * plots in docs/compare/, plus the checker's own speed as N grows (wall clock,
 * so that table alone changes from run to run).
 * Environment: COMPARE_RUNS (concurrent runs of each sampled check, default 20000).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cheapBlock, compare, type CompareOutput, type CompareRow, type Cost, DOC_BLOCKS, findingsCompareTable, withDocBlock } from "../checker";
import { renderPlot } from "./svg_plot";

const DIR = "docs/compare";

function plot(rows: CompareRow[], file: string, title: string, yLabel: string, pick: (c: Cost) => number, scenario: (c: Cost) => boolean): string {
  const svg = renderPlot({
    title,
    xLabel: "shadow pages N (S = 8 sptes each; half map the deleted slot)",
    yLabel,
    series: rows.map((r) => ({ name: r.design, points: r.scale.filter(scenario).map((c) => ({ x: c.pages, y: pick(c), finished: c.finished })) })),
  });
  writeFileSync(`${DIR}/${file}`, svg);
  return `![${title}](compare/${file})`;
}

/**
 * Every generated block of DOC_BLOCKS (checker/jobs/compare_doc_blocks.ts): the cheap ones from a
 * fresh run of their command, the --compare ones from `out` (null: leave them as they are).
 */
export function writeDocBlocks(out: CompareOutput | null, log: (s: string) => void): void {
  for (const b of DOC_BLOCKS) {
    const lines = b.cheap ? cheapBlock(b.name) : out === null ? null : b.name === "compare:table" ? findingsCompareTable(out) : null;
    if (lines === null) continue;
    writeFileSync(b.file, withDocBlock(readFileSync(b.file, "utf8"), b.name, lines));
    log(`[bench] ${b.file}: ${b.name}`);
  }
}

export function benchCompare(machine: string, log: (s: string) => void): void {
  log("[bench] compare: designs side by side, cost in simulated time");
  const runs = Number(process.env["COMPARE_RUNS"] ?? 20000);
  const out = compare({ runs });
  mkdirSync(DIR, { recursive: true });
  const idle = (c: Cost) => c.op === "delete" && c.mode === "idle";
  const busy = (c: Cost) => c.op === "delete" && c.mode === "busy";
  const plots = [
    plot(out.rows, "longest-hold.svg", "Longest continuous mmu_lock hold of a DELETE (idle vCPUs)", "ticks", (c) => c.longestHold, idle),
    plot(out.rows, "delete-latency.svg", "DELETE latency (vCPUs faulting in a loop)", "ticks", (c) => c.latency, busy),
    plot(out.rows, "vcpu-wait.svg", "Longest vCPU wait for mmu_lock during a DELETE", "ticks", (c) => c.vcpuWait?.max ?? 0, busy),
  ];
  const rate = out.timing.checkedStepsPerSecond;
  const r0 = (x: number) => Math.round(x).toLocaleString("en-US");
  const q = out.request;
  const doc = [
    "# Designs side by side: v3 against what was merged",
    "",
    `Written by \`npm run bench\` (\`npx tsx bench/main.ts compare\`, bench/compare.ts) from \`compare({ runs: ${runs} })\` of \`checker/index.ts\`, the function behind \`rmapcheck --compare\`. Everything but the last table is simulated and deterministic: the same request gives the same bytes. How the time is simulated, and what the numbers mean: docs/findings.md, "Marcelo's question".`,
    "",
    `Scenario: a VM with N shadow pages of S = ${q.sptes} sptes (kernel's PTE_LIST_EXT 3, level shift 9, BATCH_ZAP_PAGES 10), half of them mapping slot 0 and half slot 1; the measured thread deletes slot 0 (or calls kvm_arch_flush_shadow_all). *Idle*: no other thread runs, as in the v1 cover letter's measurement. *Busy*: ${q.vcpus} vCPUs fault in a loop on slot 1's memory and an MMU notifier ages it, until the DELETE returns. Runs up to N = ${q.checkedUpTo} are checked (every invariant after every step); larger ones run bare (the checker only observes, so it does not change a number).`,
    "",
    ...plots.flatMap((p) => [p, ""]),
    out.text,
    "",
    "## The checker's own speed",
    "",
    `Measured on ${machine}: the busy DELETE of \`merged-3.11\` at each N, interleaved phase only, each rate over at least 0.3 s of runs. Checked runs check every invariant after every step; bare runs step the same code with no checker.`,
    "",
    "| N | checked steps/s | bare steps/s | checked speed as a share of bare |",
    "|---|---|---|---|",
    ...rate.map((x) => `| ${r0(x.pages)} | ${r0(x.stepsPerSecond)} | ${r0(x.bareStepsPerSecond)} | ${(x.stepsPerSecond / x.bareStepsPerSecond).toFixed(2)} |`),
    "",
  ];
  writeFileSync("docs/compare.md", doc.join("\n"));
  writeDocBlocks(out, log);
  log(`[bench] compare: ${JSON.stringify(out.timing.checkMs)} ms of sampled checks, ${out.timing.costMs} ms of cost runs`);
}
