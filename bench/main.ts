/**
 * npm run bench: measures what docs/ claims, and writes the tables.
 *   docs/benchmarks.md  stepping throughput (checked vs bare), design verdicts
 *   docs/mutants.md     the catalogue on BENCH_SEEDS seeds (between the markers)
 * Environment: BENCH_SEEDS (default 20), BENCH_RUNS (concurrent runs per check, default 20000),
 * BENCH_SEQUENCES (default 300), BENCH_SUBJECT (only this subject's designs and mutant tables).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { benchStepping, check, DEFAULT_SUBJECT, designNames, resolveVariant, type Subject, SUBJECTS } from "../checker";
import { baseOptions, benchCorrect, benchMutants } from "./mutants";

const num = (name: string, d: number) => Number(process.env[name] ?? d);
const SEEDS = Array.from({ length: num("BENCH_SEEDS", 20) }, (_, i) => i + 1);
const RUNS = num("BENCH_RUNS", 20000);
const SEQUENCES = num("BENCH_SEQUENCES", 300);
const log = (s: string) => process.stderr.write(`${s}\n`);
const f0 = (x: number) => Math.round(x).toLocaleString("en-US");

function machine(): string {
  return `Node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores)`;
}

function stepping(): string[] {
  log("[bench] stepping throughput");
  const rows = benchStepping(resolveVariant("v3-fixed", null), 2000, 1, 5);
  return [
    "## Checked atomic steps per second",
    "",
    "The same 2,000 generated traces of `v3-fixed` under the same PCT schedules, best of 5 rounds, only the interleaved phase timed. *Bare* resumes the same threads and performs the same steps with no checker attached.",
    "",
    "| mode | atomic steps | seconds | steps/s | cost vs bare |",
    "|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.mode} | ${f0(r.steps)} | ${r.seconds.toFixed(3)} | ${f0(r.stepsPerSecond)} | ${r.ratio.toFixed(2)}x |`),
    "",
    `Target: checking costs no more than 4x bare stepping. Measured: ${rows[1]!.ratio.toFixed(2)}x (incremental, the checker every run uses).`,
  ];
}

/** The designs each subject's main job should pass (checked on every seed of the mutant bench too). */
const CORRECT: Record<string, string[]> = { series: ["v3-fixed", "baseline"], "lockless-aging": ["merged-aligned-callers", "index-walk"] };

function designs(subject: Subject): string[] {
  log(`[bench] designs of ${subject.name}`);
  const cmd = subject === DEFAULT_SUBJECT ? "npm start --" : `npx rmapcheck --subject ${subject.name}`;
  const lines = [`## Designs${subject === DEFAULT_SUBJECT ? "" : ` (subject \`${subject.name}\`)`}`, "", `Each design checked by the main job (\`${cmd} --design NAME --runs ${RUNS}\`, seed 1): ${SEQUENCES} sequential command sequences, then up to ${f0(RUNS)} concurrent runs with every actor.`, "", "| design | result | invariant | runs to detection | checked atomic steps | invariant checks | counterexample (ops / steps / preemptions) |", "|---|---|---|---|---|---|---|"];
  for (const d of designNames(subject)) {
    const r = check({ ...baseOptions(1, RUNS, SEQUENCES), variant: resolveVariant(d, null, subject) }).summary;
    const v = r.violation;
    lines.push(`| \`${d}\` | ${r.ok ? "pass" : "VIOLATION"} | ${v?.invariant ?? "-"} | ${v ? f0(r.runsToDetection!) : "-"} | ${f0(r.steps)} | ${f0(r.invariantChecks)} | ${v ? `${v.operations} / ${v.atomicSteps} / ${v.preemptions}` : "-"} |`);
  }
  return lines;
}

function correct(subject: Subject): string[] {
  log(`[bench] correct implementations of ${subject.name} under the mutant budget`);
  const lines = ["## The correct implementations under the same budget", "", "| design | seeds passed | checked atomic steps | invariant checks | slowest seed (ms) |", "|---|---|---|---|---|"];
  for (const d of CORRECT[subject.name] ?? []) {
    const r = benchCorrect(d, SEEDS, RUNS, SEQUENCES, subject);
    lines.push(`| \`${d}\` | ${r.passed}/${r.seeds} | ${f0(r.steps)} | ${f0(r.checks)} | ${f0(r.maxMs)} |`);
  }
  return lines;
}

function mutants(subject: Subject): string[] {
  log(`[bench] mutant catalogue of ${subject.name} on ${SEEDS.length} seeds`);
  const rows = benchMutants(SEEDS, RUNS, SEQUENCES, log, subject);
  const all = rows.every((r) => r.detectedOn === r.seeds);
  const fast = rows.filter((r) => r.medianMs < 1000).length;
  const within = rows.filter((r) => r.maxMs < 10000).length;
  return [
    `Measured by \`npm run bench\`${subject === DEFAULT_SUBJECT ? "" : ` (subject \`${subject.name}\`)`} on ${machine()}: every mutant checked by the main job (${SEQUENCES} sequences, then up to ${f0(RUNS)} concurrent runs) on seeds 1-${SEEDS.length}. *ms* is wall-clock time to detection (the first violation seen); *total* adds fast-check shrinking, the search for shorter counterexamples and 1-minimisation. A seed that finds nothing counts its whole budget.`,
    "",
    `Detected on every seed: ${rows.filter((r) => r.detectedOn === r.seeds).length}/${rows.length}${all ? "" : " (see the rows below)"}. Median under 1 s: ${fast}/${rows.length}. Every seed under 10 s: ${within}/${rows.length}.`,
    "",
    "| mutant | spec §5 | detected | median ms | max ms | median total ms | median runs | median steps | median ops | invariants |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...rows.map((r) => `| \`${r.name}\` | ${r.origin} | ${r.detectedOn}/${r.seeds} | ${f0(r.medianMs)} | ${f0(r.maxMs)} | ${f0(r.medianTotalMs)} | ${Number.isNaN(r.medianRuns) ? "-" : f0(r.medianRuns)} | ${Number.isNaN(r.medianSteps) ? "-" : f0(r.medianSteps)} | ${Number.isNaN(r.medianOps) ? "-" : f0(r.medianOps)} | ${r.invariants.join(", ")} |`),
  ];
}

function replaceBetween(path: string, begin: string, end: string, body: string[]): void {
  const text = readFileSync(path, "utf8");
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${path} lacks the markers ${begin} / ${end}`);
  writeFileSync(path, `${text.slice(0, a + begin.length)}\n${body.join("\n")}\n${text.slice(b)}`);
}

const BENCH = "docs/benchmarks.md";
const SKELETON = [
  "# Benchmarks",
  "",
  `Written by \`npm run bench\` (bench/main.ts) on ${machine()}. Rerun it to reproduce; CI never times anything. Parts can be rerun alone: \`npx tsx bench/main.ts stepping|designs|mutants\`.`,
  "",
  "<!-- stepping:begin -->",
  "<!-- stepping:end -->",
  "",
  "<!-- designs:begin -->",
  "<!-- designs:end -->",
  "",
  "<!-- designs:lockless-aging:begin -->",
  "<!-- designs:lockless-aging:end -->",
  "",
].join("\n");

const parts = process.argv.length > 2 ? process.argv.slice(2) : ["stepping", "designs", "mutants"];
if (!existsSync(BENCH) || !readFileSync(BENCH, "utf8").includes("<!-- stepping:begin -->")) writeFileSync(BENCH, SKELETON);
if (parts.includes("stepping")) replaceBetween(BENCH, "<!-- stepping:begin -->", "<!-- stepping:end -->", stepping());
/**
 * BENCH_SUBJECT=name limits the designs and mutant parts to one subject; each
 * subject's tables sit between their own markers ("designs" / "bench" for the
 * default subject, "designs:NAME" / "bench:NAME" for the others).
 */
for (const subject of SUBJECTS.filter((x) => (process.env.BENCH_SUBJECT ?? x.name) === x.name)) {
  const suffix = subject === DEFAULT_SUBJECT ? "" : `:${subject.name}`;
  if (parts.includes("designs")) replaceBetween(BENCH, `<!-- designs${suffix}:begin -->`, `<!-- designs${suffix}:end -->`, [...designs(subject), "", ...correct(subject)]);
  if (parts.includes("mutants")) replaceBetween("docs/mutants.md", `<!-- bench${suffix}:begin -->`, `<!-- bench${suffix}:end -->`, mutants(subject));
}
log("[bench] done");
