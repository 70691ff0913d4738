/**
 * npm run bench: measures what docs/ claims, and writes the tables.
 *   docs/benchmarks.md  speed: steps, runs and executions per CPU-second and peak memory against
 *                       the previous run, warning of a regression (bench/speed.ts; BENCH_OLD_TREE=DIR
 *                       adds a side-by-side with an older commit's worktree, BENCH_BASE_TREE=DIR one
 *                       with the exhaustive figures too); design verdicts with the
 *                       default options; the designs with no known race in every mode;
 *                       race windows reached
 *   docs/mutants.md     the catalogue on BENCH_SEEDS seeds (between the markers)
 *   docs/compare.md     the designs side by side, with plots in docs/compare/ (bench/compare.ts)
 *   docs/exhaustive.md  SPIN beside the exhaustive mode (part "spin"), and with it (part
 *                       "exhaustive") its throughput and workers, every scenario for every
 *                       series design (bench/spin.ts), and the lockless subject's scenarios
 *                       and mutants (part "exhaustive-lockless", also run by "exhaustive":
 *                       bench/exhaustive_lockless.ts)
 * The tables are written to a scratch copy of docs/ (its path is printed) unless BENCH_WRITE=1
 * or --write is given: then to docs/ itself, the tracked files.
 *   docs/findings.md, docs/findings-lockless.md, docs/exhaustive.md  the generated figures of
 *                       DOC_BLOCKS that are not --compare's (part "figures", bench/figures.ts)
 *   docs/sweep.md       the scopes' sizes and sweeps of the designs (bench/sweep.ts; part
 *                       `sweep`, not run by default: run it alone)
 *   docs/mutants.md     part `sweep-mutants` (not run by default): the scope and smallest
 *                       scenario that catch each mutant (bench/sweep_mutants.ts)
 * Environment: BENCH_SEEDS (default 20); for the mutant catalogue BENCH_RUNS (concurrent runs
 * per check, default 20000) and BENCH_SEQUENCES (default 300). The verdict parts use the
 * main job's defaults (DEFAULT_CHECK), which is what they measure. BENCH_SUBJECT=name limits
 * the designs, modes and mutants parts to one subject; each subject's tables sit between its
 * own markers ("designs" / "bench" for the default subject, "designs:NAME" / "bench:NAME" and
 * so on for the others).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CHECK, DEFAULT_SUBJECT, type Subject, SUBJECTS } from "../checker";
import { benchCompare } from "./compare";
import { counterexampleExamples } from "./counterexamples";
import { crossCheckBench, crossCheckTsoBench } from "./cross_check";
import { benchFigures } from "./figures";
import { benchMutants, type MutantBench } from "./mutants";
import { profilePart } from "./profile";
import { sideBySidePart, speedPart } from "./speed";
import { sweepBench } from "./sweep";
import { sweepMutantsBench } from "./sweep_mutants";
import { correctModes, designVerdicts, windowVerdicts } from "./verdicts";

const num = (name: string, d: number) => Number(process.env[name] ?? d);
const SEEDS = Array.from({ length: num("BENCH_SEEDS", 20) }, (_, i) => i + 1);
const RUNS = num("BENCH_RUNS", 20000);
const SEQUENCES = num("BENCH_SEQUENCES", 300);
const log = (s: string) => process.stderr.write(`${s}\n`);
const f0 = (x: number) => Math.round(x).toLocaleString("en-US");

function machine(): string {
  return `Node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores)`;
}

const ms = (x: number) => (Number.isNaN(x) ? "-" : f0(x));

/** How a subject's main job is started, for the tables' command lines. */
const command = (subject: Subject): string => (subject === DEFAULT_SUBJECT ? "npm start --" : `npx rmapcheck --subject ${subject.name}`);
const titled = (title: string, subject: Subject): string => `${title}${subject === DEFAULT_SUBJECT ? "" : ` (subject \`${subject.name}\`)`}`;

function designs(subject: Subject): string[] {
  log(`[bench] designs of ${subject.name}, default options, ${SEEDS.length} seeds`);
  const rows = designVerdicts(SEEDS, log, subject);
  const racy = rows.filter((r) => r.knownRace !== null);
  const clean = rows.filter((r) => r.knownRace === null);
  return [
    titled("## Designs under the default options", subject),
    "",
    `Each design checked by the main job with its defaults only (\`${command(subject)} --design NAME --seed S\`: ${DEFAULT_CHECK.sequences} sequential command sequences, then at most ${f0(DEFAULT_CHECK.runs)} concurrent runs, ${DEFAULT_CHECK.scheduler}, SC) for S = 1-${SEEDS.length}. *Runs* and *ms* are to the first violation (over the seeds that found one); *max job ms* is the whole job, shrinking included, on the slowest seed.`,
    "",
    `Known violations found on every seed: ${racy.filter((r) => r.detected === r.seeds).length}/${racy.length} designs. Designs with none known passed on every seed: ${clean.filter((r) => r.detected === 0).length}/${clean.length}.`,
    "",
    "| design | known violation | violation on | invariants | median runs | max runs | median ms | max ms | max job ms |",
    "|---|---|---|---|---|---|---|---|---|",
    ...rows.map((r) => `| \`${r.name}\` | ${r.knownRace ?? "none"} | ${r.detected}/${r.seeds} | ${r.invariants.join(", ") || "-"} | ${ms(r.medianRuns)} | ${r.detected ? f0(r.maxRuns) : "-"} | ${ms(r.medianMs)} | ${r.detected ? f0(r.maxMs) : "-"} | ${f0(r.maxTotalMs)} |`),
  ];
}

function modes(subject: Subject): string[] {
  log(`[bench] designs of ${subject.name} with no known violation, every scheduler and memory model, ${SEEDS.length} seeds`);
  const rows = correctModes(SEEDS, log, subject);
  const all = rows.every((r) => r.passed === r.seeds);
  return [
    titled("## The designs with no known violation, in every sampled mode", subject),
    "",
    `The default budget (\`${command(subject)} --design NAME --seed S [--scheduler X] [--tso]\`) for S = 1-${SEEDS.length}, under each scheduler and each memory model. A pass here is "no violation in ${f0(DEFAULT_CHECK.runs)} sampled runs per seed", not a proof.`,
    "",
    `Every row passed on every seed: ${all ? "yes" : "NO (see the failures column)"}.`,
    "",
    "| design | scheduler | memory | seeds passed | checked atomic steps | invariant checks | slowest seed (ms) | failures |",
    "|---|---|---|---|---|---|---|---|",
    ...rows.map((r) => `| \`${r.design}\` | ${r.scheduler} | ${r.tso ? "x86-TSO" : "SC"} | ${r.passed}/${r.seeds} | ${f0(r.steps)} | ${f0(r.checks)} | ${f0(r.maxMs)} | ${r.failures.join("; ") || "-"} |`),
  ];
}

function windows(): string[] {
  log(`[bench] race windows reached by the default search, ${SEEDS.length} seeds`);
  const rows = windowVerdicts("v3-fixed", SEEDS, log);
  const enough = rows.filter((r) => r.reachedOn >= Math.ceil(r.seeds * 0.95)).length;
  return [
    "## Race windows reached by the default search",
    "",
    `The windows that the hand-written race tests of \`properties/races.test.ts\` build on purpose (a thread loads a spte, another writes it, the first writes it back; \`checker/series/windows.ts\`), watched in the default concurrent search of \`v3-fixed\` (at most ${f0(DEFAULT_CHECK.runs)} runs, ${DEFAULT_CHECK.scheduler}) for seeds 1-${SEEDS.length}. *First run* is the run that first went through the window.`,
    "",
    `Windows reached on at least 95% of the seeds: ${enough}/${rows.length}.`,
    "",
    "| window | seeds reached | median first run | max first run |",
    "|---|---|---|---|",
    ...rows.map((r) => `| ${r.name} | ${r.reachedOn}/${r.seeds} | ${ms(r.medianFirstRun)} | ${r.reachedOn ? f0(r.maxFirstRun) : "-"} |`),
  ];
}

/** BENCH_MUTANT_ORIGIN=X: only the mutants of that origin, written between the markers `bench[:subject]:X`. */
const ORIGIN = process.env.BENCH_MUTANT_ORIGIN ?? null;

function mutants(subject: Subject, partial: (body: string[]) => void = () => undefined): string[] {
  log(`[bench] mutant catalogue of ${subject.name}${ORIGIN === null ? "" : ` (origin ${ORIGIN})`} on ${SEEDS.length} seeds`);
  // After each mutant, the table so far (a run stopped early leaves the rows it measured, and says so).
  const rows = benchMutants(SEEDS, RUNS, SEQUENCES, log, subject, ORIGIN, (done, total) => {
    if (done.length < total) partial([`Partial run: ${done.length} of ${total} mutants measured so far (the rest were not run).`, "", ...mutantTable(subject, done)]);
  });
  return mutantTable(subject, rows);
}

function mutantTable(subject: Subject, rows: MutantBench[]): string[] {
  const all = rows.every((r) => r.detectedOn === r.seeds);
  const fast = rows.filter((r) => r.medianMs < 1000).length;
  const within = rows.filter((r) => r.maxMs < 10000).length;
  return [
    `Measured by \`npm run bench\`${subject === DEFAULT_SUBJECT ? "" : ` (subject \`${subject.name}\`)`} on ${machine()}: every mutant checked by the main job (${SEQUENCES} sequences, then up to ${f0(RUNS)} concurrent runs) on seeds 1-${SEEDS.length}. *ms* is wall-clock time to detection (the first violation seen); *total* adds fast-check shrinking, the search for shorter counterexamples and 1-minimisation. A seed that finds nothing counts its whole budget.`,
    "",
    `Detected on every seed: ${rows.filter((r) => r.detectedOn === r.seeds).length}/${rows.length}${all ? "" : " (see the rows below)"}. Median under 1 s: ${fast}/${rows.length}. Every seed under 10 s: ${within}/${rows.length}.`,
    "",
    ...mutantTables(subject, rows),
  ];
}

/** The catalogue's table; split by what caught each mutant when the subject classifies its invariants. */
function mutantTables(subject: Subject, rows: MutantBench[]): string[] {
  const ex = rows.some((r) => r.exhaustive !== null);
  const head = [
    `| mutant | spec §5 | detected | median ms | max ms | median total ms | median runs | median steps | median ops | invariants |${ex ? " fewest preemptions (exhaustive, scenario) |" : ""}`,
    `|---|---|---|---|---|---|---|---|---|---|${ex ? "---|" : ""}`,
  ];
  const fewest = (r: MutantBench): string => (r.exhaustive === null ? "-" : `${r.exhaustive.fewestPreemptions ?? "none within 2"} (\`${r.exhaustive.scenario}\`)`);
  const line = (r: MutantBench): string =>
    `| \`${r.name}\` | ${r.origin} | ${r.detectedOn}/${r.seeds} | ${f0(r.medianMs)} | ${f0(r.maxMs)} | ${f0(r.medianTotalMs)} | ${Number.isNaN(r.medianRuns) ? "-" : f0(r.medianRuns)} | ${Number.isNaN(r.medianSteps) ? "-" : f0(r.medianSteps)} | ${Number.isNaN(r.medianOps) ? "-" : f0(r.medianOps)} | ${r.invariants.join(", ")} |${ex ? ` ${fewest(r)} |` : ""}`;
  const visible = subject.userVisibleInvariants;
  if (visible === undefined) return [...head, ...rows.map(line)];
  const seen = rows.filter((r) => r.invariants.some((i) => visible.has(i)));
  const book = rows.filter((r) => !seen.includes(r) && r.detectedOn > 0);
  const missed = rows.filter((r) => r.detectedOn === 0);
  const race = (rs: MutantBench[]): number => rs.filter((r) => (r.exhaustive?.fewestPreemptions ?? 0) >= 1).length;
  return [
    `Caught by an effect a user can see (an invariant of ${[...visible].map((i) => `\`${i}\``).join(", ")} on some seed): ${seen.length}/${rows.length}, ${race(seen)} of them needing at least one preemption in the exhaustive mode. Caught only by a bookkeeping check: ${book.length}/${rows.length}, ${race(book)} needing a preemption.${missed.length === 0 ? "" : ` Not detected on any seed: ${missed.length}.`}`,
    "",
    "**Caught by an effect a user can see**",
    "",
    ...head,
    ...seen.map(line),
    "",
    "**Caught only by a bookkeeping check**",
    "",
    ...head,
    ...book.map(line),
    ...(missed.length === 0 ? [] : ["", "**Not detected on any seed**", "", ...head, ...missed.map(line)]),
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

/** Every part, in the order a run without arguments runs the default ones. */
const PARTS = ["stepping", "profile", "designs", "modes", "windows", "mutants", "compare", "crosscheck", "crosscheck-tso", "sweep", "sweep-mutants", "counterexamples", "figures", "spin", "exhaustive", "exhaustive-lockless"];
/** What some parts are, where the name does not say. */
const PART_NOTES: Record<string, string> = { spin: "SPIN side by side only", exhaustive: "that and the exhaustive tables", "exhaustive-lockless": "the lockless subject's exhaustive tables only" };

/** docs/benchmarks.md's first paragraph: the machine of the latest run of any part, and how to run the parts. */
function header(): string {
  const parts = PARTS.map((p) => (PART_NOTES[p] ? `${p} (${PART_NOTES[p]})` : p)).join(", ");
  return `Written by \`npm run bench\` (bench/main.ts) on ${machine()}. Rerun it to reproduce; CI never times anything. Parts can be rerun alone: \`npm run bench -- PART...\` with PART one of ${parts}; tables go to a scratch copy of docs/ unless BENCH_WRITE=1; BENCH_SUBJECT=NAME limits designs, modes and mutants to one subject.`;
}
const SKELETON = [
  "# Benchmarks",
  "",
  header(),
  "",
  "<!-- stepping:begin -->",
  "<!-- stepping:end -->",
  "",
  "<!-- designs:begin -->",
  "<!-- designs:end -->",
  "",
  "<!-- modes:begin -->",
  "<!-- modes:end -->",
  "",
  "<!-- windows:begin -->",
  "<!-- windows:end -->",
  "",
].join("\n");

/** `spin`: SPIN side by side only; `exhaustive`: that and the exhaustive mode's other tables. */
const args = process.argv.slice(2).filter((a) => a !== "--write");
const parts = args.length > 0 ? args : ["stepping", "profile", "designs", "modes", "windows", "mutants", "compare", "crosscheck", "crosscheck-tso", "counterexamples", "exhaustive", "figures"];
const unknown = parts.filter((p) => !PARTS.includes(p));
if (unknown.length > 0) {
  process.stderr.write(`rmapcheck bench: unknown part ${unknown.join(", ")} (parts: ${PARTS.join(", ")})\n`);
  process.exit(2);
}
// The tables go to a scratch copy of docs/ unless asked to update the tracked files.
if (process.env.BENCH_WRITE !== "1" && !process.argv.includes("--write")) {
  const scratch = mkdtempSync(join(tmpdir(), "rmapcheck-bench-"));
  cpSync("docs", join(scratch, "docs"), { recursive: true });
  process.chdir(scratch);
  log(`[bench] writing to the scratch copy ${join(scratch, "docs")} (BENCH_WRITE=1 or --write updates docs/ itself)`);
}
if (!existsSync(BENCH) || !readFileSync(BENCH, "utf8").includes("<!-- stepping:begin -->")) writeFileSync(BENCH, SKELETON);
// The header names the machine of the latest run of any part, and the parts there are.
writeFileSync(BENCH, readFileSync(BENCH, "utf8").replace(/^Written by `npm run bench` \(bench\/main\.ts\) on .*$/m, header()));
function ensureMarkers(name: string): void {
  const text = readFileSync(BENCH, "utf8");
  if (!text.includes(`<!-- ${name}:begin -->`)) writeFileSync(BENCH, `${text.trimEnd()}\n\n<!-- ${name}:begin -->\n<!-- ${name}:end -->\n`);
}
// Speed (bench/speed.ts): compared with the figures of the previous run, which the part's text carries.
if (parts.includes("stepping")) {
  log("[bench] speed");
  replaceBetween(BENCH, "<!-- stepping:begin -->", "<!-- stepping:end -->", speedPart(readFileSync(BENCH, "utf8"), log));
  if (process.env.BENCH_OLD_TREE) {
    ensureMarkers("sidebyside");
    replaceBetween(BENCH, "<!-- sidebyside:begin -->", "<!-- sidebyside:end -->", sideBySidePart(process.env.BENCH_OLD_TREE, log));
  }
  if (process.env.BENCH_BASE_TREE) {
    ensureMarkers("sidebyside-base");
    replaceBetween(BENCH, "<!-- sidebyside-base:begin -->", "<!-- sidebyside-base:end -->", sideBySidePart(process.env.BENCH_BASE_TREE, log, true));
  }
}
const subjects = SUBJECTS.filter((x) => (process.env.BENCH_SUBJECT ?? x.name) === x.name);
for (const subject of subjects) {
  const suffix = subject === DEFAULT_SUBJECT ? "" : `:${subject.name}`;
  for (const [name, part] of [["designs", designs], ["modes", modes]] as const) {
    if (!parts.includes(name)) continue;
    ensureMarkers(`${name}${suffix}`);
    replaceBetween(BENCH, `<!-- ${name}${suffix}:begin -->`, `<!-- ${name}${suffix}:end -->`, part(subject));
  }
  const tag = `${suffix}${ORIGIN === null ? "" : `:${ORIGIN}`}`;
  const write = (body: string[]): void => replaceBetween("docs/mutants.md", `<!-- bench${tag}:begin -->`, `<!-- bench${tag}:end -->`, body);
  if (parts.includes("mutants")) write(mutants(subject, write));
}
// The race windows are the 2013 series' (checker/series/windows.ts).
if (parts.includes("windows") && subjects.includes(DEFAULT_SUBJECT)) {
  ensureMarkers("windows");
  replaceBetween(BENCH, "<!-- windows:begin -->", "<!-- windows:end -->", windows());
}
if (parts.includes("profile")) {
  ensureMarkers("profile");
  replaceBetween(BENCH, "<!-- profile:begin -->", "<!-- profile:end -->", profilePart(log));
}
if (parts.includes("compare")) benchCompare(machine(), log);
if (parts.includes("crosscheck")) crossCheckBench(log);
if (parts.includes("crosscheck-tso")) crossCheckTsoBench(log);
if (parts.includes("counterexamples")) counterexampleExamples(log);
if (parts.includes("sweep")) sweepBench(log);
if (parts.includes("sweep-mutants")) sweepMutantsBench(log);
// The figures last: some are derived from the exhaustive part's tables.
const figures = (): void => {
  if (parts.includes("figures")) benchFigures(log);
};
const lockless = async (): Promise<void> => {
  if (parts.includes("exhaustive") || parts.includes("exhaustive-lockless")) (await import("./exhaustive_lockless")).locklessExhaustiveBench(log);
};
if (parts.includes("exhaustive")) void import("./spin").then((m) => m.spinBench(log)).then(lockless).then(figures).then(() => log("[bench] done"));
else if (parts.includes("spin")) void import("./spin").then((m) => m.spinSideBySide(log)).then(figures).then(() => log("[bench] done"));
else if (parts.includes("exhaustive-lockless")) void lockless().then(figures).then(() => log("[bench] done"));
else {
  figures();
  log("[bench] done");
}
