/**
 * npm run bench (part "exhaustive", alias "spin"): SPIN on the project's own
 * model spin/v3_unmap.pml (built in a temporary folder) beside the exhaustive
 * mode on the same problem (scenarios unmap-direct, unmap-one-desc,
 * unmap-two-descs = CONFIG 0, 1, 2), designs and mutants, in one run; writes
 * the tables of docs/exhaustive.md between its markers. Installs the Debian
 * package \`spin\` when it is missing (apt-get, as root; apt-get update first
 * if the install fails), and says so and skips the SPIN columns when that
 * fails. pan is timed three ways: its own "elapsed time" line (the search),
 * and the wall and CPU seconds of the whole process with the default hash
 * table (-w24, whose allocation dominates small searches) and with -w sized
 * to the state count. Wall-clock figures depend on the machine and on what
 * else runs on it: the load average is printed with each row.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_SUBJECT, exhaustiveOnWorkers, listing, loadScenario, resolveVariant, sampledRate, scenariosOf } from "../checker";
import { exhaustiveRun as ours, MAX_SECONDS, replaceBetween, verdictCell } from "./exhaustive_run";

type Log = (s: string) => void;

/** In the repository (bench/ is one level below its root, in the sources and in dist/ alike). */
const PML = join(__dirname, "..", "spin", "v3_unmap.pml");
const SCENARIO = ["unmap-direct", "unmap-one-desc", "unmap-two-descs"];
const BOUND = 2;

/** A row: the model's switches and our counterpart (docs/exhaustive.md, "The SPIN model and ours"). */
interface Row {
  spin: string;
  flags: string;
  design: string;
  mutant: string | null;
  /** Ours is the row above's (the same design and mutant): not run again. */
  sameOurs?: boolean;
  note: string;
}

const FIXED = "-DWAIT_BEFORE_FREE";
const ROWS: Row[] = [
  { spin: "HANDSHAKE", flags: "-DHANDSHAKE=1", design: "v3", mutant: null, note: "the series as specified: F1" },
  { spin: "WAIT_BEFORE_FREE", flags: FIXED, design: "v3-fix1-only", mutant: null, note: "fix F1" },
  { spin: "WAIT_BEFORE_FREE", flags: FIXED, design: "v3-fixed", mutant: null, note: "F1 and F2 fixed (F2's mmu_lock barrier is outside these scenarios)" },
  { spin: "WAIT_BEFORE_FREE,HW_ANY", flags: `${FIXED} -DHW_ANY`, design: "v3-fixed", mutant: null, sameOurs: true, note: "SPIN's hardware may also write A/D/W on the obsolete pages (ours: none reaches them); still safe" },
  { spin: "HANDSHAKE=0", flags: "-DHANDSHAKE=0", design: "v3-no-handshake", mutant: null, note: "" },
  { spin: "CLEAR_CMPXCHG", flags: "-DCLEAR_CMPXCHG", design: "v3-skip-cmpxchg", mutant: null, note: "still F1" },
  { spin: "NO_SKIP_CHECK (M1)", flags: `${FIXED} -DNO_SKIP_CHECK`, design: "v3-fixed", mutant: "unmap-invalid-no-skip-check", note: "" },
  { spin: "NORMAL_REMOVE (M2)", flags: `${FIXED} -DNORMAL_REMOVE`, design: "v3-fixed", mutant: "invalid-remove-is-pte-list-remove", note: "both check the remove-only discipline (INV-NO-MOVE) at the first store that breaks it" },
  { spin: "FAST_CLEAR_ALWAYS (M5)", flags: `${FIXED} -DFAST_CLEAR_ALWAYS`, design: "v3-fixed", mutant: "volatile-bits-ignored", note: "no hardware reaches the obsolete pages, so no A/D bit can be lost here" },
  {
    spin: "FAST_CLEAR_ALWAYS,HW_ANY",
    flags: `${FIXED} -DFAST_CLEAR_ALWAYS -DHW_ANY`,
    design: "v3-fixed",
    mutant: "volatile-bits-ignored",
    sameOurs: true,
    note: "not the same problem: SPIN's hardware sets A between the clear's load and store, which in v3 no vCPU can (ours verifies the scenario as posed; the sampled mode and races.test.ts catch this mutant where hardware writes)",
  },
];

interface SpinResult {
  verdict: string;
  states: number;
  /** pan's own "elapsed time": the search. */
  search: number;
  /** The whole pan process with the default hash table (-w24): wall and CPU seconds. */
  wallDefault: number;
  cpuDefault: number;
  /** The same with -w sized to the state count. */
  w: number;
  wallSized: number;
  cpuSized: number;
}

const f0 = (x: number) => Math.round(x).toLocaleString("en-US");
const f2 = (x: number) => x.toFixed(2);

function haveSpin(log: Log): string | null {
  if (spawnSync("spin", ["-V"]).status === 0) return null;
  log("[bench] spin: not installed; apt-get install -y spin");
  let r = spawnSync("apt-get", ["install", "-y", "spin"], { stdio: "ignore" });
  if (r.status !== 0) {
    spawnSync("apt-get", ["update"], { stdio: "ignore" });
    r = spawnSync("apt-get", ["install", "-y", "spin"], { stdio: "ignore" });
  }
  if (r.status === 0 && spawnSync("spin", ["-V"]).status === 0) return null;
  return "the Debian package `spin` is not installed and `apt-get install -y spin` failed (it needs root and Debian's archive)";
}

/** Run pan in `dir`: its output, the wall seconds, and the CPU seconds of the children (the shell's `times`). */
function pan(dir: string, args: string): { out: string; wall: number; cpu: number } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync("sh", ["-c", `./pan ${args} > pan.out 2>&1; times`], { cwd: dir, encoding: "utf8" });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  // `times`: the shell's user and system time, then its children's.
  const child = r.stdout.trim().split("\n")[1] ?? "";
  const cpu = [...child.matchAll(/(\d+)m([\d.]+)s/g)].reduce((a, m) => a + Number(m[1]) * 60 + Number(m[2]), 0);
  return { out: readFileSync(join(dir, "pan.out"), "utf8"), wall, cpu };
}

function runSpin(pml: string, config: number, flags: string): SpinResult {
  const dir = mkdtempSync(join(tmpdir(), "rmapcheck-spin-"));
  try {
    writeFileSync(join(dir, "v3_unmap.pml"), pml);
    const built = spawnSync("sh", ["-c", `spin -DCONFIG=${config} ${flags} -a v3_unmap.pml && gcc -O2 -DSAFETY -o pan pan.c`], { cwd: dir, encoding: "utf8" });
    if (built.status !== 0) throw new Error(`spin/gcc failed: ${built.stderr.slice(0, 200)}`);
    const first = pan(dir, "-m100000");
    const out = first.out;
    const num = (re: RegExp, text = out) => Number(text.match(re)?.[1] ?? NaN);
    const errors = num(/errors: (\d+)/);
    const failed = out.match(/assertion violated \(*([A-Z_]+)/)?.[1] ?? (out.includes("invalid end state (") ? "invalid end state" : "error");
    const states = num(/(\d+) states, stored/);
    // A hash table of 2^w slots, w the smallest with 2^w >= 2 x states (at least 2^10).
    const w = Math.max(10, Math.ceil(Math.log2(2 * Math.max(1, states))));
    const sized = pan(dir, `-m100000 -w${w}`);
    return { verdict: errors === 0 ? "pass" : failed.replace(/_/g, "-"), states, search: num(/elapsed time ([\d.e+]+) seconds/), wallDefault: first.wall, cpuDefault: first.cpu, w, wallSized: sized.wall, cpuSized: sized.cpu };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `progress`: called with the table so far before each row, so an interrupted bench keeps its rows. */
function sideBySide(log: Log, pml: string | null, skip: string | null, progress?: (lines: string[]) => void): string[] {
  const lines = [
    `## SPIN and the exhaustive mode, side by side`,
    "",
    `SPIN: \`spin/v3_unmap.pml\` (this repository's model of the same scenarios: its header and "The SPIN model and ours" above), \`spin -DCONFIG=N SWITCHES -a\`, \`gcc -O2 -DSAFETY\`, \`pan -m100000\`: every interleaving, with SPIN's partial-order reduction. *pan search s* is pan's own "elapsed time" line (0 means under 0.01 s); *pan wall s* is the whole process, with the default hash table (-w24: its allocation is most of a small run) / with -w sized to the states (the -w given); *pan CPU s* is the latter's user + system time. Ours: \`--exhaustive --preemptions ${BOUND}\` on the matching scenario (CONFIG 0, 1, 2 = ${SCENARIO.join(", ")}), in the same run; wall and CPU seconds of everything (re-executions, checks, the search for fewer preemptions and the shortening of a counterexample). *Ratio*: our wall seconds over pan's search seconds (at least 0.01). SPIN explores every interleaving, ours at most ${BOUND} preemptions. *Load*: the 1-minute load average after the row (2 cores).`,
    "",
    "| CONFIG | SPIN switches | SPIN verdict | states | pan search s | pan wall s (-w24 / -wN) | pan CPU s | design / mutant | our verdict | executions | our wall s | our CPU s | ratio | load | note |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  if (skip) lines.splice(2, 0, `**SPIN skipped**: ${skip}.`, "");
  let differ = 0;
  const configs = (process.env.BENCH_SPIN_CONFIGS ?? "0,1,2").split(",").map(Number);
  for (const [config, scenario] of SCENARIO.entries()) {
    if (!configs.includes(config)) continue;
    let last: ReturnType<typeof ours> | null = null;
    for (const row of ROWS) {
      log(`[bench] spin: CONFIG ${config} ${row.spin} / ${row.design}${row.mutant ? ` ${row.mutant}` : ""}`);
      const sp = pml ? runSpin(pml, config, row.flags) : null;
      const o: ReturnType<typeof ours> = row.sameOurs && last !== null ? last : ours(scenario, row.design, row.mutant, BOUND);
      last = o;
      const same = sp === null || (sp.verdict === "pass") === (o.s.verdict === "verified");
      if (!same) differ++;
      const oursCells = row.sameOurs ? ["(as above)", "", "", "", ""] : [verdictCell(o.s), f0(o.s.exhaustive.executions), f2(o.seconds), f2(o.cpu)];
      if (!row.sameOurs) oursCells.push("");
      const ratio = sp && !row.sameOurs ? `${f0(o.seconds / Math.max(sp.search, 0.01))}x` : "-";
      progress?.(lines);
      lines.push(
        `| ${config} | ${row.spin} | ${sp?.verdict ?? "-"} | ${sp ? f0(sp.states) : "-"} | ${sp ? f2(sp.search) : "-"} | ${sp ? `${f2(sp.wallDefault)} / ${f2(sp.wallSized)} (-w${sp.w})` : "-"} | ${sp ? f2(sp.cpuSized) : "-"} | \`${row.design}\`${row.mutant ? ` \`${row.mutant}\`` : ""} | ${oursCells.slice(0, 4).join(" | ")} | ${ratio} | ${f2(loadavg()[0]!)} | ${row.note}${same ? "" : " **verdicts differ**"} |`,
      );
    }
  }
  lines.push("", `Rows whose verdicts differ: ${differ}${differ === 0 ? "" : " (each explained in its note)"}.${configs.length < 3 ? ` CONFIG ${configs.join(", ")} only (BENCH_SPIN_CONFIGS).` : ""}`);
  return lines;
}

/** The series subject's scenarios against each of its designs (the lockless subject's: bench/exhaustive_lockless.ts). */
function allScenarios(log: Log): string[] {
  const subject = DEFAULT_SUBJECT;
  const designs = listing(subject).designs.map((d) => d.name);
  const lines = [
    `## Every scenario, every design, at most ${BOUND} preemptions`,
    "",
    `Subject \`${subject.name}\`: \`--exhaustive --scenario NAME --design D --preemptions ${BOUND}\`. *n/a*: the design does not run that scenario (it begins a v3 DELETE, which the design does not have). The lockless subject's grid is in "The lockless subject in the exhaustive mode" below.`,
    "",
    `| scenario | ${designs.join(" | ")} |`,
    `|---|${designs.map(() => "---").join("|")}|`,
  ];
  for (const { name } of scenariosOf(subject)) {
    const cells: string[] = [];
    for (const d of designs) {
      log(`[bench] exhaustive: scenario ${name} / ${d}`);
      try {
        const o = ours(name, d, null, BOUND, subject);
        cells.push(`${verdictCell(o.s)}, ${f0(o.s.exhaustive.executions)} ex., ${f2(o.seconds)} s`);
      } catch (e) {
        cells.push((e as Error).name === "BadInput" ? "n/a" : `error: ${(e as Error).message}`);
      }
    }
    lines.push(`| \`${name}\` | ${cells.join(" | ")} |`);
  }
  return lines;
}

function throughput(log: Log): string[] {
  const lines = ["## Executions per second against sampled runs per second", "", "The same scenario and design (`v3-fixed`), the same checks. Sampled: 3,000 runs under uniformly random schedules, each from a fresh world. Exhaustive: the whole search at the bound.", "", "| scenario | sampled runs/s | exhaustive executions/s | ratio |", "|---|---|---|---|"];
  for (const name of SCENARIO) {
    log(`[bench] spin: throughput ${name}`);
    const v = resolveVariant("v3-fixed", null);
    const s = sampledRate(loadScenario(name), v, 3000);
    const o = ours(name, "v3-fixed", null, BOUND);
    const eps = o.s.exhaustive.executions / o.seconds;
    lines.push(`| \`${name}\` | ${f0(s.runsPerSecond)} | ${f0(eps)} | ${f2(eps / s.runsPerSecond)} |`);
  }
  return lines;
}

async function workers(log: Log): Promise<string[]> {
  const name = "unmap-two-descs";
  const req = { variant: resolveVariant("v3-fixed", null), scenario: loadScenario(name), preemptions: BOUND, maxSeconds: MAX_SECONDS };
  const time = async (n: number) => {
    log(`[bench] spin: ${name} on ${n} worker(s)`);
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    const out = await exhaustiveOnWorkers(req, n);
    const c = process.cpuUsage(c0);
    return { s: out.summary, seconds: Number(process.hrtime.bigint() - t0) / 1e9, cpu: (c.user + c.system) / 1e6, load: loadavg()[0]! };
  };
  const one = await time(1);
  const two = await time(2);
  return [
    "## Workers",
    "",
    `\`--exhaustive --scenario ${name} --design v3-fixed --preemptions ${BOUND} --workers N\` on ${cpus().length} cores; both give the same summary (${one.s.verdict}, ${f0(one.s.exhaustive.executions)} executions: ${JSON.stringify({ ...one.s, timing: null }) === JSON.stringify({ ...two.s, timing: null }) ? "identical" : "**they differ**"}).`,
    "",
    "Wall-clock speedup needs a free core per worker: the load average after each run says how busy the machine was. CPU seconds (every thread of the process) show the workers' own overhead (a V8 isolate each, compiling the sources under tsx, warming up).",
    "",
    "| workers | seconds | speedup | CPU seconds | load average after |",
    "|---|---|---|---|---|",
    `| 1 | ${f2(one.seconds)} | 1.00x | ${f2(one.cpu)} | ${f2(one.load)} |`,
    `| 2 | ${f2(two.seconds)} | ${f2(one.seconds / two.seconds)}x | ${f2(two.cpu)} | ${f2(two.load)} |`,
  ];
}

const machine = () => `Node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores)`;

/** `npm run bench -- spin`: SPIN beside the exhaustive mode only, between the "spin" markers of docs/exhaustive.md. */
export function spinSideBySide(log: Log): void {
  const load0 = loadavg()[0]!;
  let skip: string | null = existsSync(PML) ? null : "the SPIN model spin/v3_unmap.pml is not there";
  skip ??= haveSpin(log);
  if (skip) log(`[bench] spin: SPIN skipped: ${skip}`);
  const pml = skip ? null : readFileSync(PML, "utf8");
  const t0 = Date.now();
  const head = `Written by \`npm run bench -- spin\` (bench/spin.ts) on ${machine()}, load average ${f2(load0)} at the start${skip ? "" : `, ${spawnSync("spin", ["-V"], { encoding: "utf8" }).stdout.trim()}`}.`;
  const partial = (rows: string[]) => replaceBetween("docs/exhaustive.md", "spin", [head, "", ...rows, "", "(the bench is still running: rows so far)"]);
  const body = [
    head,
    "",
    ...sideBySide(log, pml, skip, partial),
    "",
    `Bench time ${f0((Date.now() - t0) / 1000)} s; load average ${f2(loadavg()[0]!)} at the end (other work on the machine slows the wall-clock figures).`,
  ];
  replaceBetween("docs/exhaustive.md", "spin", body);
}

/** `npm run bench -- exhaustive`: the side-by-side, then throughput, workers and every series scenario (bench/main.ts runs the lockless part after it). */
export async function spinBench(log: Log): Promise<void> {
  spinSideBySide(log);
  const load0 = loadavg()[0]!;
  const t0 = Date.now();
  const body = [
    `Written by \`npm run bench -- exhaustive\` (bench/spin.ts) on ${machine()}, load average ${f2(load0)} at the start.`,
    "",
    ...throughput(log),
    "",
    ...(await workers(log)),
    "",
    ...allScenarios(log),
    "",
    `Bench time ${f0((Date.now() - t0) / 1000)} s; load average ${f2(loadavg()[0]!)} at the end (other work on the machine slows the wall-clock figures).`,
  ];
  replaceBetween("docs/exhaustive.md", "bench", body);
}
