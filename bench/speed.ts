/**
 * `npm run bench -- stepping`: absolute speed, guarded against regressions.
 *   - stepping: atomic steps per CPU-second, bare and checked (bench/speed_child.cjs);
 *   - end to end: `rmapcheck --design v3-fixed --runs 20000` (dist/cli/main.js), runs per
 *     CPU-second and per wall second, and its peak resident memory (bench/rusage.cjs);
 *   - on 1 and on 2 threads (--workers): the same command's concurrent runs, 20,000 and
 *     60,000 runs, and `--mutants`: wall seconds, CPU seconds, and whether the two print the
 *     same summary;
 *   - the exhaustive mode on its largest scenario (unmap-two-descs, v3-fixed, bound 2):
 *     executions per CPU-second against sampled runs per CPU-second of the same scenario,
 *     and its peak resident memory.
 * Each figure is compared with the median of the last runs recorded in docs/benchmarks.md (a
 * JSON comment between the markers, which keeps the guarded figures of up to HISTORY runs) on the
 * same CPU model, so that one run measured unusually fast or slow does not set the bar; a
 * throughput more than 10% below that median is measured again, up to twice, and prints a
 * WARNING line only if the best of its measurements is still more than 10% below (another
 * tenant's load only ever slows a measurement down; a regression slows every one).
 * With BENCH_OLD_TREE=DIR (a worktree of an older commit, `npm ci` done), the same stepping
 * and end-to-end figures of that tree are measured right after this one's, and written as a
 * side-by-side table.
 * The machine may be shared: CPU time is the figure compared (wall time counts other
 * processes' turns); the load average is printed beside every table. Never run in CI.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { ChainCost, PhaseRound } from "../checker";

type Log = (s: string) => void;

export interface SpeedFigures {
  cpu: string;
  node: string;
  date: string;
  load: string;
  bareStepsPerCpuS: number;
  checkedStepsPerCpuS: number;
  fullStepsPerCpuS: number;
  e2eRunsPerCpuS: number;
  e2eRunsPerWallS: number;
  e2eCpuS: number;
  e2eWallS: number;
  e2eRssMB: number;
  exhaustiveExecutions: number;
  exhaustiveExecPerCpuS: number;
  exhaustiveCpuS: number;
  exhaustiveRssMB: number;
  sampledRunsPerCpuS: number;
  /** The exhaustive mode's first 15,000 executions of unmap-two-descs: set-up re-run against restored (absent before the snapshot). */
  prefix?: { executions: number; rerunCpuS: number; snapshotCpuS: number };
  /** The end-to-end command's concurrent runs in parts, cold then warm (absent before session 8). */
  phases?: { cold: PhaseRound; warm: PhaseRound };
  /** What resuming the generator chains costs (absent before session 8). */
  chain?: ChainCost;
  /** The end-to-end command's CPU seconds by thread (absent before session 9, and off Linux). */
  e2eThreads?: ThreadSplit;
  /** The sampled check on 1 and 2 threads (--workers; absent before session 10). */
  workers?: WorkersRow[];
  /** How many times each guarded measurement was made, where more than once (the guard's re-measurements; absent: once each). */
  measured?: Partial<Record<GuardedSource, number>>;
  /** The guarded figures of the runs before this one, newest first, at most HISTORY (absent before session 11). */
  history?: GuardedRecord[];
}

/** What the history keeps of a run: where and when it ran, and its guarded figures. */
export type GuardedRecord = Pick<SpeedFigures, "cpu" | "date" | "load" | GuardedField>;

type GuardedField = "bareStepsPerCpuS" | "checkedStepsPerCpuS" | "fullStepsPerCpuS" | "e2eRunsPerCpuS" | "exhaustiveExecPerCpuS";

/** How many earlier runs the guard's baseline is the median of. */
const HISTORY = 5;

/** The measurements the guarded figures come from: the stepping bench, the end-to-end command, the exhaustive command. */
export type GuardedSource = "stepping" | "e2e" | "exhaustive";

/** One command's resource use (peak resident memory absent before session 10's second run). */
export interface ThreadsRun {
  wallS: number;
  cpuS: number;
  rssMB?: number;
}

/** A command with `--workers 1` and `--workers 2`. */
export interface WorkersRow {
  /** The command, without --workers. */
  command: string;
  one: ThreadsRun;
  two: ThreadsRun;
  /** The two --json summaries are the same but for their wall-clock `timing`. */
  same: boolean;
}

/** The workers rows' commands: the end-to-end budget's concurrent runs, three times it, and the series' mutant catalogue. */
const WORKERS_ARGS = [...[20000, 60000].map((n) => ["--design", "v3-fixed", "--sequences", "0", "--runs", String(n)]), ["--mutants"]];

/** Issue 18's end-to-end target, runs per CPU-second: the phases table says how far generation and runs alone are from it. */
const E2E_TARGET = 6000;

const HERE = resolve(__dirname);
const ROOT = resolve(HERE, "..");
const E2E_ARGS = ["--design", "v3-fixed", "--runs", "20000"];
/** The end-to-end command's fixed costs, for the side-by-side: start-up with one run, then with its sequential phase too. */
const START_ARGS = ["--design", "v3-fixed", "--runs", "1", "--sequences", "0"];
const SEQ_ARGS = ["--design", "v3-fixed", "--runs", "1"];
const EXHAUSTIVE_ARGS = ["--exhaustive", "--scenario", "unmap-two-descs", "--design", "v3-fixed"];
const f0 = (x: number) => Math.round(x).toLocaleString("en-US");
const f2 = (x: number) => x.toFixed(2);
const load = () => loadavg().map((x) => x.toFixed(2)).join(", ");

export interface Rusage {
  maxRssMB: number;
  cpuS: number;
  wallS: number;
  /** Linux only (bench/rusage.cjs): the main thread's CPU seconds, and those of the threads still alive at exit (Node's and V8's helpers). */
  mainCpuS?: number;
  helperCpuS?: number;
}

/** The end-to-end command's CPU seconds by thread (bench/rusage.cjs). */
export interface ThreadSplit {
  /** The threads that ended before the process: the worker thread that ran the check. */
  workerCpuS: number;
  /** The main thread: start-up, resolving names, printing. */
  mainCpuS: number;
  /** Node's and V8's own threads: the optimising compiler, the garbage collector's helpers, libuv's pool. */
  helperCpuS: number;
}

/** The split of a run's CPU time by thread, where the platform gives it (Linux). */
export function threadSplit(u: Rusage): ThreadSplit | undefined {
  if (u.mainCpuS === undefined || u.helperCpuS === undefined) return undefined;
  return { workerCpuS: u.cpuS - u.mainCpuS - u.helperCpuS, mainCpuS: u.mainCpuS, helperCpuS: u.helperCpuS };
}

/** One run of a tree's CLI with the rusage preload: its JSON output and its resource use (--out a scratch folder, except for --mutants, which saves nothing). */
function cli(tree: string, args: string[]): { json: Record<string, unknown>; use: Rusage } {
  const dir = mkdtempSync(join(tmpdir(), "rmapcheck-speed-"));
  const file = join(dir, "rusage.json");
  try {
    const r = spawnSync(process.execPath, ["--require", join(HERE, "rusage.cjs"), join(tree, "dist", "cli", "main.js"), ...args, "--json", ...(args.includes("--mutants") ? [] : ["--out", dir])], {
      cwd: tree,
      env: { ...process.env, RMAPCHECK_RUSAGE: file },
      encoding: "utf8",
      maxBuffer: 64 << 20,
    });
    if (!existsSync(file) || r.stdout.trim() === "") throw new Error(`${tree}: rmapcheck ${args.join(" ")} left no ${r.stdout.trim() === "" ? "output" : "resource figures"} (status ${r.status}): ${r.stderr.slice(-500)}`);
    return { json: JSON.parse(r.stdout) as Record<string, unknown>, use: JSON.parse(readFileSync(file, "utf8")) as Rusage };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function child<T>(tree: string, mode: string): T {
  const out = execFileSync(process.execPath, [join(HERE, "speed_child.cjs"), tree, mode], { cwd: tree, encoding: "utf8", maxBuffer: 64 << 20 });
  return JSON.parse(out) as T;
}

interface SteppingRows {
  bare: { steps: number; stepsPerSecond: number };
  checked: { steps: number; stepsPerSecond: number };
  full: { steps: number; stepsPerSecond: number };
}

/** Compile a tree into its dist/: this one with its build script, an older one (no build script then) with its own tsc. */
function build(tree: string, log: Log): void {
  log(`[bench] speed: compiling ${tree}`);
  const tsc = join(tree, "node_modules", "typescript", "bin", "tsc");
  const own = existsSync(join(tree, "tsconfig.build.json"));
  execFileSync(process.execPath, [tsc, "-p", own ? "tsconfig.build.json" : ".", ...(own ? [] : ["--outDir", "dist", "--noEmit", "false"])], { cwd: tree, stdio: "inherit" });
}

/** The stepping bench's three figures (bench/speed_child.cjs stepping). */
function measureStepping(): Pick<SpeedFigures, "bareStepsPerCpuS" | "checkedStepsPerCpuS" | "fullStepsPerCpuS"> {
  const st = child<SteppingRows>(ROOT, "stepping");
  return { bareStepsPerCpuS: st.bare.stepsPerSecond, checkedStepsPerCpuS: st.checked.stepsPerSecond, fullStepsPerCpuS: st.full.stepsPerSecond };
}

/** The end-to-end command's figures. */
function measureE2e(): Pick<SpeedFigures, "e2eRunsPerCpuS" | "e2eRunsPerWallS" | "e2eCpuS" | "e2eWallS" | "e2eRssMB" | "e2eThreads"> {
  const e2e = cli(ROOT, E2E_ARGS);
  const runs = e2e.json.runs as number;
  const threads = threadSplit(e2e.use);
  return { e2eRunsPerCpuS: runs / e2e.use.cpuS, e2eRunsPerWallS: runs / e2e.use.wallS, e2eCpuS: e2e.use.cpuS, e2eWallS: e2e.use.wallS, e2eRssMB: e2e.use.maxRssMB, ...(threads ? { e2eThreads: threads } : {}) };
}

/** The exhaustive command's figures. */
function measureExhaustive(): Pick<SpeedFigures, "exhaustiveExecutions" | "exhaustiveExecPerCpuS" | "exhaustiveCpuS" | "exhaustiveRssMB"> {
  const ex = cli(ROOT, EXHAUSTIVE_ARGS);
  const executions = (ex.json.exhaustive as { executions: number }).executions;
  return { exhaustiveExecutions: executions, exhaustiveExecPerCpuS: executions / ex.use.cpuS, exhaustiveCpuS: ex.use.cpuS, exhaustiveRssMB: ex.use.maxRssMB };
}

/** Each guarded measurement again, for the guard (guardFigures). */
const MEASURE_AGAIN: Record<GuardedSource, () => Partial<SpeedFigures>> = { stepping: measureStepping, e2e: measureE2e, exhaustive: measureExhaustive };

const SOURCE_NAMES: Record<GuardedSource, string> = { stepping: "stepping (bare, checked, full)", e2e: `rmapcheck ${E2E_ARGS.join(" ")}`, exhaustive: `rmapcheck ${EXHAUSTIVE_ARGS.join(" ")}` };

function measure(log: Log): SpeedFigures {
  const before = load();
  log(`[bench] speed: ${SOURCE_NAMES.stepping}`);
  const st = measureStepping();
  log(`[bench] speed: ${SOURCE_NAMES.e2e}`);
  const e2e = measureE2e();
  log("[bench] speed: sampled runs of unmap-two-descs");
  const sampled = child<{ runsPerSecond: number }>(ROOT, "sampled");
  log(`[bench] speed: ${SOURCE_NAMES.exhaustive}`);
  const ex = measureExhaustive();
  log("[bench] speed: exhaustive, the set-up re-run against restored from its snapshot");
  const prefix = child<{ executions: number; rerunCpuS: number; snapshotCpuS: number }>(ROOT, "prefix");
  log("[bench] speed: the concurrent runs in parts, cold and warm");
  const [cold, warm] = child<PhaseRound[]>(ROOT, "phases");
  log("[bench] speed: generator chains");
  const chain = child<ChainCost>(ROOT, "chain");
  const workers = WORKERS_ARGS.map((args): WorkersRow => {
    log(`[bench] speed: rmapcheck ${args.join(" ")} --workers 1, then --workers 2`);
    const [one, two] = [1, 2].map((w) => cli(ROOT, [...args, "--workers", String(w)]));
    const use = (u: Rusage): ThreadsRun => ({ wallS: u.wallS, cpuS: u.cpuS, rssMB: u.maxRssMB });
    return { command: args.join(" "), one: use(one!.use), two: use(two!.use), same: sameSummary(one!.json, two!.json) };
  });
  return {
    cpu: cpus()[0]?.model ?? "unknown CPU",
    node: process.version,
    date: new Date().toISOString().slice(0, 10),
    load: `${before} before, ${load()} after`,
    ...st,
    ...e2e,
    ...ex,
    sampledRunsPerCpuS: sampled.runsPerSecond,
    prefix,
    phases: { cold: cold!, warm: warm! },
    chain,
    workers,
  };
}

const FIGURES = /<!-- speed-figures: (.*?) -->/;

/** The guarded throughputs: name, the field of a record that holds it (higher is better), and the measurement it comes from. */
const GUARDED: Array<[string, GuardedField, GuardedSource]> = [
  ["bare stepping (steps per CPU-second)", "bareStepsPerCpuS", "stepping"],
  ["checked stepping, incremental (steps per CPU-second)", "checkedStepsPerCpuS", "stepping"],
  ["checked stepping, full (steps per CPU-second)", "fullStepsPerCpuS", "stepping"],
  [`\`rmapcheck ${E2E_ARGS.join(" ")}\` (runs per CPU-second)`, "e2eRunsPerCpuS", "e2e"],
  [`\`rmapcheck ${EXHAUSTIVE_ARGS.join(" ")}\` (executions per CPU-second)`, "exhaustiveExecPerCpuS", "exhaustive"],
];

/** A figure this much below the baseline is measured again, and then warns. */
const GUARD = 0.1;
/** How many measurements a guarded figure may get in all before it warns. */
const GUARD_TRIES = 3;

/** The previous run's figures, read back from the part's text (null: none recorded). */
export function previousFigures(text: string): SpeedFigures | null {
  const m = FIGURES.exec(text);
  return m ? (JSON.parse(m[1]!) as SpeedFigures) : null;
}

/** A run's record for the history. */
export function recordOf(f: SpeedFigures | GuardedRecord): GuardedRecord {
  const r: GuardedRecord = { cpu: f.cpu, date: f.date, load: f.load, bareStepsPerCpuS: 0, checkedStepsPerCpuS: 0, fullStepsPerCpuS: 0, e2eRunsPerCpuS: 0, exhaustiveExecPerCpuS: 0 };
  for (const [, field] of GUARDED) r[field] = f[field];
  return r;
}

/** The history a new run keeps: the previous run, then its own history, newest first, at most HISTORY. */
export function historyAfter(prev: SpeedFigures | null): GuardedRecord[] {
  return prev === null ? [] : [recordOf(prev), ...(prev.history ?? [])].slice(0, HISTORY);
}

/** The runs the guard compares with: those of the history after `prev` on `cpu`. */
export function baselineRuns(prev: SpeedFigures | null, cpu: string): GuardedRecord[] {
  return historyAfter(prev).filter((r) => r.cpu === cpu);
}

/**
 * This run's guarded figures beside the baseline: for each, the median of the same figure over
 * the last runs on the same CPU model (baselineRuns; none: nothing compared). A WARNING line for
 * each throughput more than 10% below its baseline, and the measurements those figures come
 * from (`slow`). A figure measured more than once (now.measured) is the best of its measurements,
 * and its row and warning say how many there were.
 */
export function compareFigures(now: SpeedFigures, prev: SpeedFigures | null): { comparable: boolean; runs: GuardedRecord[]; rows: string[]; warnings: string[]; slow: GuardedSource[] } {
  const runs = baselineRuns(prev, now.cpu);
  const comparable = runs.length > 0;
  const against = runs.length === 1 ? `the previous run (${runs[0]!.date})` : `the median of the last ${runs.length} runs`;
  const warnings: string[] = [];
  const slow = new Set<GuardedSource>();
  const rows = GUARDED.map(([name, field, source]) => {
    const n = now.measured?.[source] ?? 1;
    const label = n > 1 ? `${name}, the best of ${n} measurements` : name;
    if (!comparable) return `| ${label} | ${f0(now[field])} | - | - |`;
    const base = median(runs.map((r) => r[field]));
    const change = now[field] / base - 1;
    if (change < -GUARD) {
      slow.add(source);
      warnings.push(`WARNING: ${name} is ${Math.round(-change * 100)}% slower than ${against}${n > 1 ? ` in the best of ${n} measurements` : ""} (${f0(now[field])} against ${f0(base)})`);
    }
    return `| ${label} | ${f0(now[field])} | ${f0(base)} | ${change >= 0 ? "+" : ""}${Math.round(change * 100)}% |`;
  });
  return { comparable, runs, rows, warnings, slow: [...slow] };
}

/**
 * The guard: while a guarded figure is more than 10% below its baseline, its measurement is
 * made again (`again`), up to GUARD_TRIES measurements in all, and the best of them is kept:
 * another tenant's load only slows a measurement down, while a regression slows every one. The
 * stepping bench keeps the best of each of its three figures; a command keeps its best
 * measurement whole (its CPU and wall seconds and memory with it).
 */
export function guardFigures(now: SpeedFigures, prev: SpeedFigures | null, again: (source: GuardedSource) => Partial<SpeedFigures>, log: Log = () => {}): { figures: SpeedFigures; comparison: ReturnType<typeof compareFigures> } {
  let figures = now;
  for (;;) {
    const comparison = compareFigures(figures, prev);
    const retry = comparison.slow.filter((src) => (figures.measured?.[src] ?? 1) < GUARD_TRIES);
    if (retry.length === 0) return { figures, comparison };
    for (const src of retry) {
      const n = (figures.measured?.[src] ?? 1) + 1;
      log(`[bench] speed: ${SOURCE_NAMES[src]} is more than ${GUARD * 100}% below its baseline; measuring it again (${n} of ${GUARD_TRIES})`);
      const m = again(src);
      const better: Partial<SpeedFigures> = {};
      for (const [, field, source] of GUARDED) {
        if (source !== src) continue;
        const x = m[field];
        if (x === undefined || x <= figures[field]) continue;
        // A command's figures go together: its best run replaces the whole measurement.
        Object.assign(better, src === "stepping" ? { [field]: x } : m);
      }
      figures = { ...figures, ...better, measured: { ...figures.measured, [src]: n } };
    }
  }
}

/** The stepping part of docs/benchmarks.md: this run beside its baseline (the last runs' median), with the warnings. */
export function speedPart(previousText: string, log: Log): string[] {
  build(ROOT, log);
  const prev = previousFigures(previousText);
  const guarded = guardFigures(measure(log), prev, (src) => MEASURE_AGAIN[src](), log);
  const now: SpeedFigures = { ...guarded.figures, history: historyAfter(prev) };
  const { comparable, runs, rows, warnings } = guarded.comparison;
  for (const w of warnings) log(w);
  const prevNote =
    prev === null
      ? "no previous run recorded"
      : comparable
        ? `the baseline is the median of the last ${runs.length === 1 ? "run" : `${runs.length} runs`} on this CPU model: ${runs.map((r) => `${r.date}, load average ${r.load}`).join("; ")}`
        : `the previous run (${prev.date}) was on another CPU (${prev.cpu}): not compared`;
  return [
    "## Speed: steps, runs, executions and memory",
    "",
    `Measured by \`npm run bench -- stepping\` (bench/speed.ts) on ${now.cpu}, ${cpus().length} cores, Node ${now.node}, ${now.date}; load average (1, 5, 15 min) ${now.load}. The machine is shared: every rate is per CPU-second of the measuring process (wall time would count other processes' turns), and even CPU time inflates under load (caches, hyper-threads); compare figures measured back to back. Each figure is compared with its baseline, the median of the same figure over the last ${HISTORY} runs at most on the same CPU model (one run measured unusually fast or slow does not set the bar); a figure more than 10% below its baseline is measured again, up to ${GUARD_TRIES} measurements in all, and prints a WARNING line if the best of them is still more than 10% below: another tenant's load only ever slows a measurement down, a regression slows every one (${prevNote}).`,
    "",
    "*Stepping*: the same 2,000 generated traces of `v3-fixed` under the same PCT schedules, best of 5 rounds, only the interleaved phase timed; *bare* performs the same steps with no checker attached. *End to end*: the whole command (start-up, 300 sequential sequences, 20,000 concurrent runs), CPU time of every thread of the process.",
    "",
    "| figure | this run | baseline | change |",
    "|---|---|---|---|",
    ...rows,
    "",
    ...(warnings.length > 0 ? [...warnings.map((w) => `**${w}**`), ""] : comparable ? ["No figure is more than 10% below its baseline.", ""] : []),
    "| more figures of this run | value |",
    "|---|---|",
    `| checked incremental / bare stepping cost | ${f2(now.bareStepsPerCpuS / now.checkedStepsPerCpuS)}x |`,
    `| end to end: CPU seconds, wall seconds, runs per wall second | ${f2(now.e2eCpuS)}, ${f2(now.e2eWallS)}, ${f0(now.e2eRunsPerWallS)} |`,
    `| end to end: peak resident memory | ${f0(now.e2eRssMB)} MB |`,
    ...(now.e2eThreads === undefined ? [] : [`| end to end, CPU seconds by thread: the worker running the check / the main thread / Node's and V8's helpers (optimising compiler, garbage collector) | ${f2(now.e2eThreads.workerCpuS)} / ${f2(now.e2eThreads.mainCpuS)} / ${f2(now.e2eThreads.helperCpuS)} (${Math.round((100 * now.e2eThreads.helperCpuS) / now.e2eCpuS)}% helpers) |`]),
    `| exhaustive (largest scenario): executions, CPU seconds | ${f0(now.exhaustiveExecutions)}, ${f2(now.exhaustiveCpuS)} |`,
    `| exhaustive (largest scenario): peak resident memory | ${f0(now.exhaustiveRssMB)} MB |`,
    `| sampled runs of unmap-two-descs per CPU-second (3,000 random schedules, checked) | ${f0(now.sampledRunsPerCpuS)} |`,
    `| exhaustive executions per CPU-second / sampled runs per CPU-second, unmap-two-descs | ${f2(now.exhaustiveExecPerCpuS / now.sampledRunsPerCpuS)} |`,
    "",
    ...workersRows(now),
    ...prefixRows(now),
    ...(now.prefix === undefined ? [] : [""]),
    ...phaseRows(now),
    ...chainRows(now),
    `<!-- speed-figures: ${JSON.stringify(now)} -->`,
  ];
}

/**
 * Two --json outputs are the same but for wall-clock figures: a check's `timing`, a
 * catalogue row's `timing` (--mutants prints `{ subject, interrupted, rows }`).
 */
export function sameSummary(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const untimed = (j: Record<string, unknown>) => JSON.stringify({ ...j, timing: null, ...(Array.isArray(j.rows) ? { rows: j.rows.map((r: Record<string, unknown>) => ({ ...r, timing: null })) } : {}) });
  return untimed(a) === untimed(b);
}

/** The checks on one and two threads (--workers). */
export function workersRows(now: SpeedFigures, cores = cpus().length): string[] {
  if (now.workers === undefined) return [];
  return [
    `*Threads*: each command with \`--workers 1\` and with \`--workers 2\`, one after the other on ${cores} cores. A check's concurrent runs go to the job's thread and one worker thread, in slices of the run indices (checker/search/search_pool.ts); \`--mutants\` checks two mutants at a time (checker/jobs/catalogue_pool.ts). Wall seconds are what a user waits; CPU seconds count every thread, V8's compiler threads included (each thread compiles the checker for itself). The last column compares the two \`--json\` outputs without their wall-clock \`timing\`.`,
    "",
    "| command | wall s, 1 thread | wall s, 2 threads | wall-clock speed-up | CPU s, 1 thread | CPU s, 2 threads | peak resident MB, 1 / 2 threads | the same output |",
    "|---|---|---|---|---|---|---|---|",
    ...now.workers.map((w) => `| \`${w.command}\` | ${f2(w.one.wallS)} | ${f2(w.two.wallS)} | ${f2(w.one.wallS / w.two.wallS)}x | ${f2(w.one.cpuS)} | ${f2(w.two.cpuS)} | ${w.one.rssMB === undefined || w.two.rssMB === undefined ? "-" : `${f0(w.one.rssMB)} / ${f0(w.two.rssMB)}`} | ${w.same ? "yes" : "**no**"} |`),
    "",
  ];
}

/** The exhaustive mode with and without the snapshot of the set-up (checker/exhaustive/program.ts), measured alternately in one process. */
function prefixRows(now: SpeedFigures): string[] {
  const p = now.prefix;
  if (p === undefined) return [];
  return [
    `*The set-up's snapshot*: the exhaustive mode's first ${f0(p.executions)} executions of \`unmap-two-descs\` (\`v3-fixed\`, at most 2 preemptions) with the set-up built and re-run for every execution (\`rerunSetup\`, as before the snapshot) and restored from its snapshot, alternated in one process, best of 2 each (bench/speed_child.cjs prefix).`,
    "",
    "| exhaustive, first executions of unmap-two-descs | CPU seconds | executions per CPU-second |",
    "|---|---|---|",
    `| the set-up re-run for every execution | ${f2(p.rerunCpuS)} | ${f0(p.executions / p.rerunCpuS)} |`,
    `| restored from the snapshot | ${f2(p.snapshotCpuS)} | ${f0(p.executions / p.snapshotCpuS)} |`,
    `| speed-up | ${f2(p.rerunCpuS / p.snapshotCpuS)}x | - |`,
  ];
}

/** The end-to-end command's concurrent runs in parts, cold and warm (bench/speed_child.cjs phases). */
export function phaseRows(now: SpeedFigures): string[] {
  const p = now.phases;
  if (p === undefined) return [];
  const total = (r: PhaseRound) => r.generateS + r.runS;
  const row = (name: string, get: (r: PhaseRound) => string) => `| ${name} | ${get(p.cold)} | ${get(p.warm)} |`;
  const warmRate = p.warm.runs / total(p.warm);
  const extra = total(p.cold) - total(p.warm);
  /** Both rounds carry the checking thread's CPU time (Linux, session 11 on). */
  const split = p.cold.threadS !== undefined && p.warm.threadS !== undefined;
  return [
    `*The concurrent runs in parts*: ${f0(p.warm.runs)} generated traces of \`v3-fixed\`, checked under PCT (the stepping bench's scheduler; the command layers race-directed preemption on it), twice in one process (bench/speed_child.cjs phases): the first round starts cold, as the end-to-end command does; the second runs the same traces again, warm.`,
    "",
    "| part, CPU seconds | cold (first in its process) | warm (the same again) |",
    "|---|---|---|",
    row("generating the traces (fast-check)", (r) => f2(r.generateS)),
    row("building each run and running its set-up", (r) => f2(r.runS - r.interleavedS)),
    row("the interleaved phase, with the checks at quiescence", (r) => f2(r.interleavedS)),
    row("all three", (r) => f2(total(r))),
    row("all three: runs per CPU-second", (r) => f0(r.runs / total(r))),
    ...(split ? [row("all three: on the checking thread / on V8's helper threads (optimising compiler, garbage collector)", (r) => `${f2(r.threadS!)} / ${f2(total(r) - r.threadS!)}`)] : []),
    row("atomic steps of the interleaved phases", (r) => f0(r.steps)),
    "",
    `Warm, generating and running the traces alone make ${f0(warmRate)} runs per CPU-second, ${warmRate >= E2E_TARGET ? "above" : "below"} the ${f0(E2E_TARGET)} the issue asks of the whole command, which also starts its two threads, runs its sequential sequences first and pays the cold round's extra ${f2(extra)} CPU seconds (the JIT compiling the code as it gets hot) once${split ? `: ${f2(p.cold.threadS! - p.warm.threadS!)} of them on the checking thread (code not yet optimised), ${f2(extra - (p.cold.threadS! - p.warm.threadS!))} on V8's helper threads (the optimising compiler at work)` : ""}.`,
    "",
  ];
}

/** What resuming the threads' generator chains costs (bench/speed_child.cjs chain), against a bare step. */
function chainRows(now: SpeedFigures): string[] {
  const c = now.chain;
  if (c === undefined) return [];
  const perFrame = (c.depth7Ns - c.depth1Ns) / 6;
  const chainNs = c.depth1Ns + Math.max(0, c.framesPerStep - 1) * perFrame;
  const bareNs = 1e9 / now.bareStepsPerCpuS;
  const f1 = (x: number) => x.toFixed(1);
  return [
    `*The generator chains*: every step the stepping bench's 2,000 traces make (${f0(c.steps)}, world, set-up and threads) is made with the thread's whole chain of generators live, from the operation runner down to the kernel function that yields it; the machine resumes the chain from its top at every step (bench/speed_child.cjs chain). A chain of empty delegating generators, resumed the same way, measures what that costs on this engine.`,
    "",
    "| generator chains | value |",
    "|---|---|",
    `| generator frames live per step (impl/ and the operation runner), on average | ${f2(c.framesPerStep)} |`,
    `| ns per step, a chain of 1 generator / of 7 | ${f1(c.depth1Ns)} / ${f1(c.depth7Ns)} |`,
    `| ns per step per frame beyond the first | ${f1(perFrame)} |`,
    `| resuming the average chain, ns per step (estimate) | ${f1(chainNs)} |`,
    `| a bare step of the stepping bench, ns | ${f1(bareNs)} |`,
    `| the chain's share of a bare step (estimate) | ${Math.round((100 * chainNs) / bareNs)}% |`,
    "",
  ];
}

/** One tree's side-by-side figures (sideBySidePart). */
interface TreeRun {
  st: SteppingRows;
  e: { json: Record<string, unknown>; use: Rusage };
  runs: number;
  start: Rusage;
  seq: Rusage;
  ex: { executions: number; use: Rusage; batch: { scenarios: number; executions: number; cpuS: number } } | null;
}

function measureTree(tree: string, exhaustive: boolean, log: Log): TreeRun {
  log(`[bench] side by side: stepping of ${tree}`);
  const st = child<SteppingRows>(tree, "stepping");
  log(`[bench] side by side: rmapcheck ${E2E_ARGS.join(" ")} in ${tree}`);
  const e = cli(tree, E2E_ARGS);
  const runs = e.json.runs as number;
  // The fixed costs of the command, to split the end-to-end figure: start-up (+1 run), then the sequential phase.
  log(`[bench] side by side: rmapcheck ${START_ARGS.join(" ")} and ${SEQ_ARGS.join(" ")} in ${tree}`);
  const start = cli(tree, START_ARGS).use;
  const seq = cli(tree, SEQ_ARGS).use;
  if (!exhaustive) return { st, e, runs, start, seq, ex: null };
  log(`[bench] side by side: rmapcheck ${EXHAUSTIVE_ARGS.join(" ")} and the batch in ${tree}`);
  const x = cli(tree, EXHAUSTIVE_ARGS);
  const batch = child<{ scenarios: number; executions: number; cpuS: number }>(tree, "batch");
  return { st, e, runs, start, seq, ex: { executions: (x.json.exhaustive as { executions: number }).executions, use: x.use, batch } };
}

/** The median (of an even count, the mean of the middle two). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * The side-by-side table: this tree and an older one, measured by the same harness, `pairs` times
 * each, alternating (older, this, older, this ...), the median of each figure. `exhaustive`: the
 * older tree has the exhaustive mode and its scenarios (BENCH_BASE_TREE), so the exhaustive
 * figures are compared too.
 */
export function sideBySidePart(oldTree: string, log: Log, exhaustive = false, pairs = Number(process.env.BENCH_PAIRS ?? 3)): string[] {
  const old = resolve(oldTree);
  const rev = (t: string) => execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: t, encoding: "utf8" }).trim();
  if (!existsSync(join(old, "dist", "cli", "main.js"))) build(old, log);
  build(ROOT, log);
  const before = load();
  const a: TreeRun[] = [];
  const b: TreeRun[] = [];
  for (let i = 0; i < pairs; i++) {
    a.push(measureTree(old, exhaustive, log));
    b.push(measureTree(ROOT, exhaustive, log));
  }
  const after = load();
  const ratio = (x: number, y: number) => `${f2(y / x)}x`;
  /** A row of one figure: both medians and their ratio (null: no ratio). */
  const row = (name: string, f: (r: TreeRun) => number, fmt: (x: number) => string, ratioNote: string | null = "") => {
    const x = median(a.map(f));
    const y = median(b.map(f));
    return `| ${name} | ${fmt(x)} | ${fmt(y)} | ${ratioNote === null ? "-" : `${ratio(x, y)}${ratioNote}`} |`;
  };
  /** A row of several figures shown together, each its median, no ratio. */
  const rowOf = (name: string, parts: Array<[(r: TreeRun) => number, (x: number) => string]>) => {
    const cell = (rs: TreeRun[]) => parts.map(([f, fmt]) => fmt(median(rs.map(f)))).join(" / ");
    return `| ${name} | ${cell(a)} | ${cell(b)} | - |`;
  };
  const mb = (x: number) => `${f0(x)} MB`;
  const ex = (r: TreeRun) => r.ex!;
  return [
    exhaustive ? "## Side by side with an older commit, the exhaustive mode too" : "## Side by side with an older commit",
    "",
    `\`${exhaustive ? "BENCH_BASE_TREE" : "BENCH_OLD_TREE"}=${oldTree} npm run bench -- stepping\` on ${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, ${new Date().toISOString().slice(0, 10)}: each tree measured ${pairs} times by the same harness (bench/speed_child.cjs, bench/rusage.cjs), alternating, the older tree first, each compiled with tsc; every figure is the median of its ${pairs} measurements (BENCH_PAIRS). Load average (1, 5, 15 min): ${before} before, ${after} after. Rates per CPU-second; the machine is shared, so the ratio, measured back to back, is the figure to trust.`,
    "",
    `| figure | \`${rev(old)}\` | \`${rev(ROOT)}\` (this tree) | ratio |`,
    "|---|---|---|---|",
    row("bare stepping, steps per CPU-second", (r) => r.st.bare.stepsPerSecond, f0),
    row("checked stepping (incremental), steps per CPU-second", (r) => r.st.checked.stepsPerSecond, f0),
    row("stepping: atomic steps of the 2,000 traces", (r) => r.st.bare.steps, f0, null),
    row(`\`rmapcheck ${E2E_ARGS.join(" ")}\`, runs per CPU-second`, (r) => r.runs / r.e.use.cpuS, f0),
    rowOf("the same: CPU seconds / wall seconds", [[(r) => r.e.use.cpuS, f2], [(r) => r.e.use.wallS, f2]]),
    row("the same: checked atomic steps", (r) => r.e.json.steps as number, f0, null),
    row("the same: peak resident memory", (r) => r.e.use.maxRssMB, mb, null),
    row(`start-up and one run, \`rmapcheck ${START_ARGS.join(" ")}\`: CPU seconds`, (r) => r.start.cpuS, f2, " (CPU)"),
    row("the same: peak resident memory", (r) => r.start.maxRssMB, mb, null),
    row(`the 300 sequential sequences: CPU seconds of \`rmapcheck ${SEQ_ARGS.join(" ")}\` less the start-up row`, (r) => r.seq.cpuS - r.start.cpuS, f2, " (CPU)"),
    row(`the concurrent runs alone: runs per CPU-second of the whole command less \`${SEQ_ARGS.join(" ")}\``, (r) => (r.runs - 1) / (r.e.use.cpuS - r.seq.cpuS), f0),
    ...(exhaustive
      ? [
          row(`\`rmapcheck ${EXHAUSTIVE_ARGS.join(" ")}\`, executions per CPU-second`, (r) => ex(r).executions / ex(r).use.cpuS, f0),
          rowOf("the same: executions / CPU seconds / peak resident memory", [[(r) => ex(r).executions, f0], [(r) => ex(r).use.cpuS, f2], [(r) => ex(r).use.maxRssMB, mb]]),
          row("a sweep-sized batch (every scenario of both subjects, at most 1 preemption; bench/speed_child.cjs batch), executions per CPU-second", (r) => ex(r).batch.executions / ex(r).batch.cpuS, f0),
          rowOf("the same: scenarios / executions / CPU seconds", [[(r) => ex(r).batch.scenarios, f0], [(r) => ex(r).batch.executions, f0], [(r) => ex(r).batch.cpuS, f2]]),
        ]
      : []),
  ];
}
