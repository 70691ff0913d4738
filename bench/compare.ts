/**
 * `npx tsx bench/main.ts compare` (part of `npm run bench`): the designs side
 * by side (checker/jobs/compare.ts), written to docs/compare.md with three SVG
 * plots in docs/compare/, plus the checker's own speed as N grows (wall clock,
 * so that table alone changes from run to run).
 * Environment: COMPARE_RUNS (concurrent runs of each sampled check; default the CLI's,
 * DEFAULT_CHECK.runs, so that the page is exactly `npx rmapcheck --compare`: the safety column
 * is the default check of each design, whose budget properties/default_budget.test.ts pins;
 * the bench's many-seed verdicts are docs/benchmarks.md's).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { claimLines, compare, reclaimCheck, zapRootsTrackCheck, DEFAULT_CHECK, type CompareOutput, type CompareRow, type Cost, docBlockSpecs, findingsCompareTable, type SweepPoint, type SweepRequest, withDocBlock } from "../checker";
import { renderHeatmap } from "./svg_heatmap";
import { renderPlot } from "./svg_plot";

const DIR = "docs/compare";

const TICK = "ticks of simulated time (1 tick = 1 atomic step of 1 CPU)";

function plot(rows: CompareRow[], file: string, title: string, yLabel: string, pick: (c: Cost) => number, scenario: (c: Cost) => boolean): string {
  const svg = renderPlot({
    title,
    xLabel: "shadow pages N (log scale; S = 8 sptes each, half over the deleted slot)",
    yLabel,
    series: rows.map((r) => ({ name: r.design, points: r.scale.filter(scenario).map((c) => ({ x: c.pages, y: pick(c), finished: c.finished })) })),
  });
  writeFileSync(`${DIR}/${file}`, svg);
  return `![${title}](compare/${file})`;
}

const shareText = (s: number): string => (s === 1 ? "all" : `1/${Math.round(1 / s)}`);

/** One heat map per design against baseline (3.10): DELETE latency, baseline / design, over the sweep's grid. */
function heatmaps(q: SweepRequest, points: readonly SweepPoint[]): string[] {
  const base = "baseline";
  const cols: Array<[number, number]> = q.shares.flatMap((s) => q.slotScales.map((k) => [s, k] as [number, number]));
  const rows: Array<[number, string, string]> = q.sptes.flatMap((S) => q.modes.flatMap((m) => q.preemptions.map((p) => [S, m, p] as [number, string, string])));
  const at = (d: string, [s, k]: [number, number], [S, m, p]: [number, string, string]) => points.find((x) => x.design === d && x.share === s && x.slotScale === k && x.sptes === S && x.mode === m && x.preemption === p)!;
  return q.designs.filter((d) => d !== base).map((d) => {
    const file = `map-latency-${d}.svg`;
    const title = `DELETE latency: baseline (3.10) / ${d}, N = ${q.pages} pages`;
    const svg = renderHeatmap({
      title,
      subtitle: `ticks of simulated time (1 tick = 1 atomic step of 1 CPU); ${q.vcpus} vCPUs when busy; above 1: ${d} is faster`,
      colLabel: "share of pages over the deleted slot, slot size / mapped",
      rowLabel: "S sptes/page, vCPUs, preemption model",
      cols: cols.map(([s, k]) => `${shareText(s)}, x${k}`),
      rows: rows.map(([S, m, p]) => `S=${S}, ${m}, ${p === "preempt" ? "CONFIG_PREEMPT" : "no preempt"}`),
      cells: rows.map((r) => cols.map((c) => {
        const [a, b] = [at(base, c, r), at(d, c, r)];
        return a.finished && b.finished ? a.latency / b.latency : null;
      })),
      above: `${d} faster than baseline`,
      below: `baseline faster than ${d}`,
    });
    writeFileSync(`${DIR}/${file}`, svg);
    return `![${title}](compare/${file})`;
  });
}

/**
 * The generated blocks of DOC_BLOCKS (checker/jobs/compare_doc_blocks.ts) that come from --compare, from `out`.
 * The others are written by `npm run bench -- figures` (bench/figures.ts).
 */
export function writeCompareBlocks(out: CompareOutput, log: (s: string) => void): void {
  for (const b of docBlockSpecs().filter((x) => x.cost === "compare")) {
    const make: Record<string, (o: CompareOutput) => string[]> = { "compare:table": findingsCompareTable, "compare:claims": claimLines, "compare:check-zap-roots-track": zapRootsTrackCheck, "compare:check-reclaim": reclaimCheck };
    const lines = make[b.name]?.(out) ?? null;
    if (lines === null) throw new Error(`no --compare output for the block ${b.name}`);
    const text = readFileSync(b.file, "utf8");
    const next = withDocBlock(text, b.name, lines, b.inline === true);
    writeFileSync(b.file, next);
    log(`[bench] ${b.file}: ${b.name}${next === text ? " (unchanged)" : " (STALE or new: rewritten)"}`);
  }
}

export function benchCompare(machine: string, log: (s: string) => void): void {
  log("[bench] compare: designs side by side, cost in simulated time");
  const runs = Number(process.env["COMPARE_RUNS"] ?? DEFAULT_CHECK.runs);
  // The map and the profiles on a worker thread beside the rows: the same output (properties/cost.test.ts), in less wall time.
  const out = compare({ runs, workers: 2 });
  mkdirSync(DIR, { recursive: true });
  const idle = (c: Cost) => c.op === "delete" && c.mode === "idle";
  const busy = (c: Cost) => c.op === "delete" && c.mode === "busy";
  const q0 = out.request;
  const plots = [
    plot(out.rows, "longest-hold.svg", "Longest mmu_lock hold of a DELETE, idle vCPUs, cond_resched_lock always breaks", TICK, (c) => c.longestHold, idle),
    plot(out.rows, "delete-latency.svg", `DELETE latency, ${q0.vcpus} vCPUs + a notifier busy; cond_resched_lock always breaks`, TICK, (c) => c.latency, busy),
    plot(out.rows, "vcpu-wait.svg", `Longest vCPU wait for mmu_lock, busy DELETE; cond_resched_lock always breaks`, TICK, (c) => c.vcpuWait?.max ?? 0, busy),
    ...(q0.sweep === null || out.sweep === null ? [] : heatmaps(q0.sweep, out.sweep.points)),
  ];
  const rate = out.timing.checkedStepsPerSecond;
  const r0 = (x: number) => Math.round(x).toLocaleString("en-US");
  const q = out.request;
  const doc = [
    "# Designs side by side: v3 against what was merged",
    "",
    `Written by \`npm run bench -- compare\` (bench/compare.ts) from \`compare({ runs: ${runs} })\` of \`checker/index.ts\`: the same request as \`npx rmapcheck --compare${runs === DEFAULT_CHECK.runs ? "" : ` --runs ${runs}`}\` (${runs === DEFAULT_CHECK.runs ? "the CLI's default budget" : `the CLI's default is ${DEFAULT_CHECK.runs} runs; this page uses ${runs}, COMPARE_RUNS`}). Everything but the last table is simulated and deterministic: the same request gives the same bytes. How the time is simulated, and what the numbers mean: docs/findings.md, "Marcelo's question".`,
    "",
    `Scenario of the tables and line plots: a VM with N shadow pages of S = ${q.sptes} sptes (kernel's PTE_LIST_EXT 3, level shift 9, BATCH_ZAP_PAGES 10), half of them mapping slot 0 and half slot 1, each slot exactly as large as what is mapped; \`cond_resched_lock\` always drops \`mmu_lock\` (the checker's choice, not the kernel's: the map below varies it); every step costs one tick. The measured thread deletes slot 0 (or calls kvm_arch_flush_shadow_all). *Idle*: no other thread runs, as in the v1 cover letter's measurement. *Busy*: ${q.vcpus} vCPUs fault in a loop on slot 1's memory and an MMU notifier ages it, until the DELETE returns. Runs up to N = ${q.checkedUpTo} are checked (every invariant after every step); larger ones run bare (the checker only observes, so it does not change a number). The heat maps after the line plots are the map: the DELETE over the sweep's grid of workloads and preemption models.`,
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
  writeCompareBlocks(out, log);
  log(`[bench] compare: ${JSON.stringify(out.timing.checkMs)} ms of sampled checks, ${out.timing.costMs} ms of cost runs, ${out.timing.sweepMs} ms of the map`);
}
