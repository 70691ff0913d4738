/**
 * npm run bench (part "exhaustive"): SPIN on the shared model ../shared/spin/v3_unmap.pml
 * (read at bench time, built in a temporary folder as ../shared/spin/run.sh
 * does) beside the exhaustive mode on the matching scenarios, designs and
 * mutants, in one run; writes the tables of docs/exhaustive.md between its
 * markers. Installs the Debian package `spin` when it is missing, and says so
 * and skips the SPIN columns when that fails. Wall-clock figures depend on
 * the machine and on what else runs on it: the load average is printed.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_SUBJECT, exhaustive, exhaustiveOnWorkers, type ExhaustiveSummary, listing, loadScenario, resolveVariant, sampledRate, scenariosOf, type Subject, SUBJECTS, violatedInSetup } from "../checker";

type Log = (s: string) => void;

const PML = join(process.cwd(), "..", "shared", "spin", "v3_unmap.pml");
const SCENARIO = ["unmap-direct", "unmap-one-desc", "unmap-two-descs"];
const BOUND = 2;
const MAX_SECONDS = Number(process.env.BENCH_EXHAUSTIVE_SECONDS ?? 900);

/** A SPIN variant (run.sh's names and switches) and our counterpart. */
interface Row {
  spin: string;
  flags: string;
  design: string;
  mutant: string | null;
  note: string;
}

const NOTE_N = "our notifier never waits for the unmapper (SPIN's N_NO_WAIT); SPIN's waits after its walk";
const ROWS: Row[] = [
  { spin: "R-design", flags: "-DHANDSHAKE=1 -DHS_PLACE=0", design: "v3", mutant: null, note: `the series as specified; ${NOTE_N}` },
  { spin: "wait-before-free", flags: "-DHS_PLACE=2", design: "v3-fix1-only", mutant: null, note: "fix F1: free only once no unmapper is inside an rmap" },
  { spin: "wait-before-free", flags: "-DHS_PLACE=2", design: "v3-fixed", mutant: null, note: "F1 and F2 fixed (F2's mmu_lock barrier is outside these scenarios)" },
  { spin: "wait-before-free,N_NO_WAIT", flags: "-DHS_PLACE=2 -DN_NO_WAIT", design: "v3-fixed", mutant: null, note: "the same notifier on both sides" },
  { spin: "no-HANDSHAKE", flags: "-DHANDSHAKE=0", design: "v3-no-handshake", mutant: null, note: "" },
  { spin: "R-design,CLEAR_CMPXCHG,STALE_CHECK", flags: "-DHANDSHAKE=1 -DHS_PLACE=0 -DCLEAR_CMPXCHG -DSTALE_CHECK", design: "v3-skip-cmpxchg", mutant: null, note: "STALE_CHECK: ours checks INV-SP-LIVE when the page is freed, as this switch does" },
  { spin: "NO_SKIP_CHECK(M1)", flags: "-DHS_PLACE=2 -DNO_SKIP_CHECK", design: "v3-fixed", mutant: "unmap-invalid-no-skip-check", note: "" },
  {
    spin: "NORMAL_REMOVE(M2)",
    flags: "-DHS_PLACE=2 -DNORMAL_REMOVE",
    design: "v3-fixed",
    mutant: "invalid-remove-is-pte-list-remove",
    note: "ours also checks the remove-only discipline itself (INV-NO-MOVE: an invalid rmap only ever changes spte to SKIP); SPIN checks only what breaking it leads to, which a lone direct entry does not show",
  },
  {
    spin: "FAST_CLEAR_ALWAYS(M5)",
    flags: "-DHS_PLACE=2 -DFAST_CLEAR_ALWAYS",
    design: "v3-fixed",
    mutant: "volatile-bits-ignored",
    note: "SPIN's H sets A/D on the obsolete pages between the clear's load and store; in ours (and in v3) no vCPU reaches them, so nothing is lost here (the sampled mode and races.test.ts catch this mutant where hardware can write)",
  },
];

interface SpinResult {
  verdict: string;
  states: number;
  transitions: number;
  seconds: number;
}

const f0 = (x: number) => Math.round(x).toLocaleString("en-US");
const f2 = (x: number) => x.toFixed(2);

function haveSpin(log: Log): string | null {
  if (spawnSync("spin", ["-V"]).status === 0) return null;
  log("[bench] spin: not installed; apt-get install -y spin");
  const r = spawnSync("apt-get", ["install", "-y", "spin"], { stdio: "ignore" });
  if (r.status === 0 && spawnSync("spin", ["-V"]).status === 0) return null;
  return "the Debian package `spin` is not installed and `apt-get install -y spin` failed";
}

function runSpin(pml: string, config: number, flags: string): SpinResult {
  const dir = mkdtempSync(join(tmpdir(), "rmapcheck-spin-"));
  try {
    writeFileSync(join(dir, "v3_unmap.pml"), pml);
    const sh = (cmd: string) => spawnSync("sh", ["-c", cmd], { cwd: dir, encoding: "utf8" });
    const built = sh(`spin -DCONFIG=${config} ${flags} -a v3_unmap.pml && gcc -O2 -DSAFETY -o pan pan.c`);
    if (built.status !== 0) throw new Error(`spin/gcc failed: ${built.stderr.slice(0, 200)}`);
    const t0 = process.hrtime.bigint();
    const out = sh("./pan -m100000").stdout;
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const num = (re: RegExp) => Number(out.match(re)?.[1] ?? NaN);
    const errors = num(/errors: (\d+)/);
    const failed = out.match(/assertion violated \(*([A-Z_]+)/)?.[1] ?? (out.includes("invalid end state") ? "invalid end state" : "error");
    return { verdict: errors === 0 ? "pass" : failed.replace(/_/g, "-"), states: num(/(\d+) states, stored/), transitions: num(/(\d+) transitions/), seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function ours(scenario: string, design: string | null, mutant: string | null, preemptions: number | null, subject: Subject = DEFAULT_SUBJECT): { s: ExhaustiveSummary; seconds: number } {
  const t0 = process.hrtime.bigint();
  const out = exhaustive({ variant: resolveVariant(design, mutant, subject), scenario: loadScenario(scenario), preemptions, maxSeconds: MAX_SECONDS });
  return { s: out.summary, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

const verdictCell = (s: ExhaustiveSummary) =>
  s.verdict !== "violation" ? s.verdict : violatedInSetup(s) ? `${s.violation!.invariant} (in the set-up)` : `${s.violation!.invariant} (${s.violation!.preemptions} pre., ${s.violation!.atomicSteps} steps)`;

function sideBySide(log: Log, pml: string | null, skip: string | null): string[] {
  const lines = [
    `## SPIN and the exhaustive mode, side by side`,
    "",
    `SPIN: \`pan -m100000\` (exhaustive DFS with SPIN's partial-order reduction, all interleavings), compiled with \`gcc -O2 -DSAFETY\`; seconds are pan's run only. Ours: \`--exhaustive --preemptions ${BOUND}\` on the matching scenario (CONFIG 0, 1, 2 = ${SCENARIO.join(", ")}); seconds include everything (re-executions, checks, the search for fewer preemptions and the shortening of a counterexample). *Reduction* is plain enumeration's schedule count (at most ${BOUND} preemptions, blocking ignored) over our executions.`,
    "",
    "| CONFIG | SPIN variant | SPIN verdict | states | transitions | SPIN s | design / mutant | our verdict | executions | reduction | our s | ratio | note |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  if (skip) lines.splice(2, 0, `**SPIN skipped**: ${skip}.`, "");
  for (const [config, scenario] of SCENARIO.entries()) {
    for (const row of ROWS) {
      log(`[bench] spin: CONFIG ${config} ${row.spin} / ${row.design}${row.mutant ? ` ${row.mutant}` : ""}`);
      const sp = pml ? runSpin(pml, config, row.flags) : null;
      const o = ours(scenario, row.design, row.mutant, BOUND);
      const agree = sp === null ? "" : (sp.verdict === "pass") === (o.s.verdict === "verified") ? "" : " **verdicts differ**";
      lines.push(
        `| ${config} | ${row.spin} | ${sp?.verdict ?? "-"} | ${sp ? f0(sp.states) : "-"} | ${sp ? f0(sp.transitions) : "-"} | ${sp ? f2(sp.seconds) : "-"} | \`${row.design}\`${row.mutant ? ` \`${row.mutant}\`` : ""} | ${verdictCell(o.s)} | ${f0(o.s.exhaustive.executions)} | ${f0(o.s.exhaustive.reduction)}x | ${f2(o.seconds)} | ${sp ? `${f0(o.seconds / Math.max(sp.seconds, 0.01))}x` : "-"} | ${row.note}${agree} |`,
      );
    }
  }
  return lines;
}

/** Each subject's scenarios against each of its designs. */
function allScenarios(log: Log): string[] {
  const lines = [`## Every scenario, every design, at most ${BOUND} preemptions`];
  for (const subject of SUBJECTS) {
    const designs = listing(subject).designs.map((d) => d.name);
    lines.push(
      "",
      `Subject \`${subject.name}\`: \`--exhaustive${subject === DEFAULT_SUBJECT ? "" : ` --subject ${subject.name}`} --scenario NAME --design D --preemptions ${BOUND}\`. *n/a*: the design does not run that scenario (${subject === DEFAULT_SUBJECT ? "it begins a v3 DELETE, which the design does not have" : "an unaligned aging range, which the known callers never deliver and the design assumes"}).`,
      "",
      `| scenario | ${designs.join(" | ")} |`,
      `|---|${designs.map(() => "---").join("|")}|`,
    );
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
  }
  return lines;
}

/** The lockless subject's mutants against its scenarios: which scenario shows each mutant's bug, exhaustively. */
function locklessMutants(log: Log): string[] {
  const subject = SUBJECTS.find((x) => x.name === "lockless-aging")!;
  const scenarios = scenariosOf(subject).map((s) => s.name);
  const lines = [
    `## The lockless subject's mutants, at most ${BOUND} preemptions`,
    "",
    `\`--exhaustive --subject lockless-aging --scenario NAME --mutant M --preemptions ${BOUND}\`, each mutant on its own design. *n/a*: the design does not run that scenario. *verified* in a cell: that scenario lacks what the mutant's bug needs (an operation, a list shape, a configuration); the sampled search finds every mutant too (docs/mutants.md).`,
    "",
    `| mutant | ${scenarios.map((n) => `\`${n}\``).join(" | ")} |`,
    `|---|${scenarios.map(() => "---").join("|")}|`,
  ];
  let found = 0;
  for (const m of subject.mutants) {
    const cells: string[] = [];
    let any = false;
    for (const name of scenarios) {
      log(`[bench] exhaustive: lockless mutant ${m.name} / ${name}`);
      try {
        const o = ours(name, null, m.name, BOUND, subject);
        any ||= o.s.verdict === "violation";
        cells.push(o.s.verdict === "violation" ? `${verdictCell(o.s)}` : o.s.verdict);
      } catch (e) {
        cells.push((e as Error).name === "BadInput" ? "n/a" : `error: ${(e as Error).message}`);
      }
    }
    if (any) found++;
    lines.push(`| \`${m.name}\` | ${cells.join(" | ")} |`);
  }
  lines.push("", `${found} of ${subject.mutants.length} mutants shown by at least one scenario.`);
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

function replaceBetween(path: string, body: string[]): void {
  const begin = "<!-- bench:begin -->";
  const end = "<!-- bench:end -->";
  const text = readFileSync(path, "utf8");
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${path} lacks the markers ${begin} / ${end}`);
  writeFileSync(path, `${text.slice(0, a + begin.length)}\n${body.join("\n")}\n${text.slice(b)}`);
}

export async function spinBench(log: Log): Promise<void> {
  const load0 = loadavg()[0]!;
  let skip: string | null = existsSync(PML) ? null : `the SPIN model ${PML} is not there`;
  skip ??= haveSpin(log);
  if (skip) log(`[bench] spin: SPIN skipped: ${skip}`);
  const pml = skip ? null : readFileSync(PML, "utf8");
  const t0 = Date.now();
  const body = [
    `Written by \`npm run bench -- exhaustive\` (bench/spin.ts) on Node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores), load average ${f2(load0)} at the start${skip ? "" : `, ${spawnSync("spin", ["-V"], { encoding: "utf8" }).stdout.trim()}`}.`,
    "",
    ...sideBySide(log, pml, skip),
    "",
    ...throughput(log),
    "",
    ...(await workers(log)),
    "",
    ...allScenarios(log),
    "",
    ...locklessMutants(log),
    "",
    `Bench time ${f0((Date.now() - t0) / 1000)} s; load average ${f2(loadavg()[0]!)} at the end (other work on the machine slows the wall-clock figures).`,
  ];
  replaceBetween("docs/exhaustive.md", body);
}
