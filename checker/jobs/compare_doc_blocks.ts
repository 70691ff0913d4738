/**
 * Every generated block of docs/findings.md, docs/findings-lockless.md,
 * docs/compare.md and docs/exhaustive.md that is not a whole bench table
 * (markers: checker/doc_markers.ts). Each block is the output of the command
 * it names. `cheap` blocks take seconds: properties/doc_numbers.test.ts
 * compares them with a fresh run in CI. `dear` ones take minutes: `npm run
 * bench -- figures` rewrites them (bench/figures.ts), and `compare` ones come
 * from --compare (`npm run bench -- compare`).
 */
import { readFileSync } from "node:fs";
import { resolveVariant } from "../variants";
import { check, DEFAULT_CHECK, type Summary } from "./check";
import type { CompareOutput } from "./compare";
import { DEFAULT_SWEEP } from "./compare_sweep";
import { cxListing, cxSize, exhaustiveExecutions, exhaustiveVerdictTable, plural, tableAfter } from "./doc_figures";

export interface DocBlockSpec {
  file: string;
  name: string;
  /** The command whose output the block is. */
  command: string;
  /** cheap: CI checks it against a fresh run; dear: `npm run bench -- figures` writes it; compare: `npm run bench -- compare`. */
  cost: "cheap" | "dear" | "compare";
  /** One line inside a sentence or a table cell (doc_markers.ts). */
  inline?: boolean;
  /** The block's lines from a fresh run; `doc` is the doc's text (for blocks derived from a bench table in it). Absent for compare blocks. */
  make?: (doc: string) => string[];
}

const n0 = (x: number): string => Math.round(x).toLocaleString("en-US");

/** One line: the verdict of `npx rmapcheck --design NAME` (seed 1, the default budget), with what it rests on. */
export function verdictLine(s: Summary): string {
  const cmd = `\`npx rmapcheck --design ${s.design}\``;
  const v = s.violation;
  if (v === null) return `${cmd}: **pass**, ${s.restsOn}.`;
  const when = `found by the ${v.phase} phase`;
  return `${cmd}: **violation** of ${v.invariant}, ${when}; counterexample of ${plural(v.operations, "operation")}, ${plural(v.atomicSteps, "atomic step")}, ${plural(v.preemptions, "preemption")}.`;
}

/** The cheap verdict blocks: `verdict:DESIGN` in docs/findings.md. */
export const VERDICT_BLOCK_DESIGNS = ["zap-roots-v1", "zap-roots-v1-track", "zap-all-2019"] as const;

export function verdictBlock(design: string): string[] {
  return [verdictLine(check({ ...DEFAULT_CHECK, variant: resolveVariant(design, null) }).summary)];
}


const FINDINGS = "docs/findings.md";
const LOCKLESS = "docs/findings-lockless.md";
const EXHAUSTIVE = "docs/exhaustive.md";

/** A corpus counterexample's size, inline in `file`. */
const cxSpan = (file: string, name: string): DocBlockSpec => ({ file, name: `cx:${name}`, command: `npx rmapcheck --replay properties/corpus/${name}.json`, cost: "cheap", inline: true, make: () => [cxSize(name)] });
/** A corpus counterexample's listing. */
const cxBlock = (file: string, name: string): DocBlockSpec => ({ file, name: `replay:${name}`, command: `npx rmapcheck --replay properties/corpus/${name}.json --format wide`, cost: "cheap", make: () => cxListing(name) });

/** docs/exhaustive.md's throughput table: "0.43 to 0.94 of ... (target 0.5: met on 2 of the 3 scenarios)". */
function rateSentence(doc: string): string[] {
  const ratios = tableAfter(doc, "bench", "## Executions per second against sampled runs per second").map((r) => Number(r[3]));
  const met = ratios.filter((x) => x >= 0.5).length;
  return [`${Math.min(...ratios).toFixed(2)} to ${Math.max(...ratios).toFixed(2)} of the sampled mode's runs per second (target 0.5: met on ${met} of the ${ratios.length} scenarios)`];
}

/** docs/exhaustive.md's workers table (workers, seconds, speedup, CPU seconds, load average after): the rows of one and two workers. */
function workerRows(doc: string): [string[], string[]] {
  const rows = tableAfter(doc, "bench", "## Workers");
  const [one, two] = [rows.find((r) => r[0] === "1"), rows.find((r) => r[0] === "2")];
  if (one === undefined || two === undefined) throw new Error("no rows for 1 and 2 workers");
  return [one, two];
}
const workersSpeedup = (doc: string): string[] => [workerRows(doc)[1][2]!];
function workersCpu(doc: string): string[] {
  const [one, two] = workerRows(doc);
  const more = Number(two[3]) / Number(one[3]) - 1;
  return [`${Math.abs(Math.round(more * 100))}% ${more >= 0 ? "more" : "less"} CPU`];
}
function workersLoad(doc: string): string[] {
  const loads = workerRows(doc).map((r) => Number(r[4]));
  return [`${Math.min(...loads).toFixed(2)} to ${Math.max(...loads).toFixed(2)} after the runs`];
}

/** docs/exhaustive.md's cross-check table: a scenario where the bound costs executions (bound 2 against none, the same classes). */
function boundedSentence(doc: string): string[] {
  const rows = tableAfter(doc, "crosscheck", "| subject | scenario |");
  const at = (scenario: string, bound: string) => rows.find((r) => r[1] === scenario && r[3] === bound && r[4] === "verified");
  const pair = rows.map((r) => r[1]!).map((s) => [s, at(s, "2"), at(s, "all")] as const)
    .find(([, two, all]) => two !== undefined && all !== undefined && Number(two[5]!.replace(/,/g, "")) > Number(all[5]!.replace(/,/g, "")) && two[8] === all[8]);
  if (pair === undefined) throw new Error("no scenario explores more executions at bound 2 than without a bound");
  const [scenario, two, all] = pair;
  return [`\`${scenario}\`, ${two![2]}: ${two![5]} executions at bound 2 against ${all![5]} without a bound, for the same ${two![8]} behaviour classes`];
}

const q = DEFAULT_SWEEP;
const shareText = (s: number): string => (s === 1 ? "1" : `1/${Math.round(1 / s)}`);

export const DOC_BLOCKS: readonly DocBlockSpec[] = [
  ...VERDICT_BLOCK_DESIGNS.map((d): DocBlockSpec => ({ file: FINDINGS, name: `verdict:${d}`, command: `npx rmapcheck --design ${d}`, cost: "cheap", make: () => verdictBlock(d) })),
  cxSpan(FINDINGS, "v3-INV-SP-LIVE-seed1"),
  cxSpan(FINDINGS, "v3-fix1-only-KERNEL-BUG-seed1"),
  cxSpan(FINDINGS, "v3-no-handshake-INV-MEM-seed1"),
  cxBlock(FINDINGS, "v3-INV-SP-LIVE-seed1"),
  cxBlock(FINDINGS, "v3-fix1-only-KERNEL-BUG-seed1"),
  cxBlock(FINDINGS, "v3-no-handshake-INV-MEM-seed1"),
  { file: FINDINGS, name: "default:runs", command: "npx rmapcheck --help (DEFAULT_CHECK)", cost: "cheap", inline: true, make: () => [`at most ${n0(DEFAULT_CHECK.runs)} concurrent runs`] },
  {
    file: FINDINGS, name: "map:grid", command: "npx rmapcheck --compare (DEFAULT_SWEEP of checker/jobs/compare_sweep.ts)", cost: "cheap",
    make: () => [
      `**The map.** \`docs/compare.md\`, "The map", runs the DELETE of ${n0(q.designs.length)} designs over ${n0(q.shares.length * q.slotScales.length * q.sptes.length * q.modes.length * q.preemptions.length)} workloads each, at N = ${q.pages}. The grid is:`,
      `* share of the pages over the deleted slot: ${q.shares.map(shareText).join(", ")};`,
      `* slot size over what is mapped: ${q.slotScales.join(", ")};`,
      `* sptes per page: ${q.sptes.join(", ")};`,
      `* vCPUs ${q.modes.join(" or ")} (busy: faulting, with an MMU notifier aging);`,
      `* preemption model: ${q.preemptions.map((p) => (p === "preempt" ? "`CONFIG_PREEMPT`" : "no preemption")).join(" or ")}.`,
    ],
  },
  {
    file: FINDINGS, name: "exhaustive:verdicts", cost: "cheap",
    command: "docs/exhaustive.md's grid \"Every scenario, every design\" (npm run bench -- exhaustive: npx rmapcheck --exhaustive --scenario NAME --design D --preemptions 2)",
    make: () => exhaustiveVerdictTable(readFileSync(EXHAUSTIVE, "utf8")),
  },


  { file: FINDINGS, name: "compare:table", command: "npm run bench -- compare (npx rmapcheck --compare)", cost: "compare" },
  { file: FINDINGS, name: "compare:claims", command: "npm run bench -- compare (the map and the profiles of npx rmapcheck --compare)", cost: "compare" },
  { file: FINDINGS, name: "compare:check-zap-roots-track", command: "npm run bench -- compare (the table above)", cost: "compare", inline: true },
  { file: FINDINGS, name: "compare:check-reclaim", command: "npm run bench -- compare (the table above)", cost: "compare", inline: true },
  cxSpan(LOCKLESS, "lockless/merged-AGE-COVERAGE-seed1"),
  cxSpan(LOCKLESS, "lockless/pre-928c54b1c4ca-LOST-UPDATE-seed1"),
  cxSpan(LOCKLESS, "lockless/unzeroed-desc-cache-DESC-SHAPE-seed1"),
  { file: EXHAUSTIVE, name: "derived:rate", command: "the table \"Executions per second against sampled runs per second\" below (npm run bench -- exhaustive)", cost: "cheap", inline: true, make: rateSentence },
  { file: EXHAUSTIVE, name: "derived:workers", command: "the table \"Workers\" below (npm run bench -- exhaustive)", cost: "cheap", inline: true, make: workersSpeedup },
  { file: EXHAUSTIVE, name: "derived:workers-cpu", command: "the table \"Workers\" below (npm run bench -- exhaustive)", cost: "cheap", inline: true, make: workersCpu },
  { file: EXHAUSTIVE, name: "derived:workers-load", command: "the table \"Workers\" below (npm run bench -- exhaustive)", cost: "cheap", inline: true, make: workersLoad },
  { file: EXHAUSTIVE, name: "executions:unmap-direct-all", command: "npx rmapcheck --exhaustive --scenario unmap-direct --design v3-fixed --preemptions all", cost: "dear", inline: true, make: () => [exhaustiveExecutions("unmap-direct", "v3-fixed", null)] },
  { file: EXHAUSTIVE, name: "derived:bounded", command: "the table \"The reduction cross-checked by behaviour\" below (npm run bench -- crosscheck)", cost: "cheap", inline: true, make: boundedSentence },
];

/** The prefixes of the block names DOC_BLOCKS owns (other blocks in the same docs are whole bench tables). */
export const DOC_BLOCK_PREFIXES = [...new Set(DOC_BLOCKS.map((b) => b.name.split(":")[0]!))];

/** A cheap or dear block's lines, from a fresh run; `doc` is the text of the block's file. */
export function freshBlock(name: string, doc: string): string[] {
  const b = DOC_BLOCKS.find((x) => x.name === name);
  if (b?.make === undefined) throw new Error(`no generator for the block ${name}`);
  return b.make(doc);
}

/** docs/findings.md's comparison table at N = request.pages, from a --compare run. */
export function findingsCompareTable(out: CompareOutput): string[] {
  const q = out.request;
  const at = (d: string, op: string, mode: string) => out.rows.find((r) => r.design === d)?.cost.find((c) => c.op === op && c.mode === mode);
  const designs = out.rows.map((r) => r.design);
  const cell = (d: string, op: string, mode: string, f: (c: NonNullable<ReturnType<typeof at>>) => string): string => {
    const c = at(d, op, mode);
    if (c === undefined) return "-";
    return c.finished ? f(c) : `did not finish (> ${n0(c.latency)})`;
  };
  const row = (label: string, f: (d: string) => string): string => `| ${label} | ${designs.map(f).join(" | ")} |`;
  const safety = (d: string): string => {
    const s = out.rows.find((r) => r.design === d)!.safety;
    return s.verdict === "pass" ? "pass" : `**${s.invariant}**`;
  };
  return [
    `At N = ${n0(q.pages)} shadow pages of S = ${q.sptes} sptes, half over the deleted slot, slots exactly as large as what is mapped, ${q.vcpus} vCPUs; ticks of simulated time, every step one tick; \`cond_resched_lock\` always drops the lock. Written by \`npm run bench -- compare\` (the same as \`npx rmapcheck --compare --runs ${q.runs}\`); safety: seed ${q.seed}, ${q.scheduler}, up to ${n0(q.runs)} concurrent runs.`,
    "",
    `| | ${designs.map((d) => `\`${d}\``).join(" | ")} |`,
    `|---|${designs.map(() => "---").join("|")}|`,
    row("safety (sampled check)", safety),
    row("DELETE latency, idle", (d) => cell(d, "delete", "idle", (c) => n0(c.latency))),
    row("DELETE latency, vCPUs faulting", (d) => cell(d, "delete", "busy", (c) => n0(c.latency))),
    row("longest `mmu_lock` hold, DELETE idle", (d) => cell(d, "delete", "idle", (c) => n0(c.longestHold))),
    row("longest vCPU wait for `mmu_lock`, DELETE busy", (d) => cell(d, "delete", "busy", (c) => n0(c.vcpuWait?.max ?? 0))),
    row("rmap heads touched, DELETE idle", (d) => cell(d, "delete", "idle", (c) => n0(c.rmapHeadsTouched))),
    row("pages left obsolete for `mmu_shrink`", (d) => cell(d, "delete", "idle", (c) => n0(c.obsoleteLeft))),
    row("DELETE + `mmu_shrink` reclaiming them: latency", (d) => cell(d, "delete_reclaim", "idle", (c) => n0(c.latency))),
    row("DELETE + reclaim: total `mmu_lock` hold", (d) => cell(d, "delete_reclaim", "idle", (c) => n0(c.totalHold))),
    row("`kvm_arch_flush_shadow_all` latency, idle", (d) => cell(d, "flush_all", "idle", (c) => n0(c.latency))),
  ];
}
