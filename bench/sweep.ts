/**
 * npm run bench -- sweep: the scopes' sizes (what symmetry and deduplication
 * remove), and sweeps of the designs run as a user would run them: the shard
 * plan (`sweep --plan --shards n`) through GNU parallel -j 2 when it is
 * installed (else the shards one after the other), merged by `--merge`.
 * Writes docs/sweep.md between the markers sweep-sizes and sweep-runs, after
 * every row, so an interrupted bench keeps the rows it measured.
 *
 * BENCH_SWEEPS=scope:design[:mutant],... chooses the rows to (re)run (default: ROWS; none: no row); the
 * other rows of the table stay as last measured. BENCH_SWEEP_SIZES=0 skips the sizes table.
 * The load average is printed beside each row: the machine may be shared.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { writeSweepFindings } from "./sweep_findings";
import { countWithoutReduction, generateScope, loadScope, mergeFiles, scopeNames, type SweepSummary } from "../checker";

const DOC = "docs/sweep.md";
const BIN = join(__dirname, "..", "dist", "cli", "main.js");

/** The designs with a known race first (they stop early), then the ones that must pass. */
const ROWS = [
  "series-s1:v3",
  "series-s1:v3-fix1-only",
  "series-s1:v3-fix2-only",
  "series-s1:zap-all-2019",
  "series-s1:v3-fixed",
  "lockless-s1:merged-aligned-callers",
  "series-s1:baseline",
  "series-s1:merged-3.11",
  "lockless-s1:merged",
  "lockless-s1:index-walk",
  "lockless-s1:pre-928c54b1c4ca",
  "lockless-s1:unzeroed-desc-cache",
  "lockless-s1:merged-one-read",
  "series-s2:v3-fixed",
  "series-s2:baseline",
  "series-s2:merged-3.11",
  "lockless-s2:merged-aligned-callers",
  "lockless-s2:index-walk",
  "lockless-s2:merged-one-read",
  "lockless-tdp-s1:merged-aligned-callers",
  "lockless-tdp-s1:index-walk",
  "lockless-tdp-s1:merged-one-read",
  "lockless-slot-s1:merged-aligned-callers",
  "lockless-delete-s1:merged-aligned-callers",
  "lockless-split-s1:merged-aligned-callers",
];

/** Shards of a row's plan: two for the -s1 scopes, eight for the larger ones (an interrupted run then keeps the shards it finished). */
const shardsOf = (scope: string): number => (scope.endsWith("-s1") ? 2 : 8);

const f0 = (x: number) => Math.round(x).toLocaleString("en-US");
const load = () => loadavg().map((x) => x.toFixed(1)).join(" ");

function replaceBetween(name: string, body: string[]): void {
  const text = readFileSync(DOC, "utf8");
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${DOC} lacks the markers ${begin} / ${end}`);
  writeFileSync(DOC, `${text.slice(0, a + begin.length)}\n${body.join("\n")}\n${text.slice(b)}`);
}

function sizes(log: (s: string) => void): void {
  const rows: string[] = [];
  for (const n of scopeNames()) {
    log(`[bench] sweep: size of scope ${n}`);
    const t0 = Date.now();
    const scope = loadScope(n);
    const g = generateScope(scope);
    const ms = Date.now() - t0;
    const without = countWithoutReduction(scope);
    const c = g.counts;
    rows.push(`| \`${n}\` | ${scope.subject.name} | ${c.configurations} | ${scope.setup.depth} | ${f0(c.setupSequences)} | ${f0(c.setupStates)} | ${[...scope.threads.counts, ...scope.threads.also.map((s) => `{${s.join(", ")}}${scope.threads.alsoSetupDepth === undefined ? "" : ` after <= ${scope.threads.alsoSetupDepth} set-up op`}`)].join(", ")} | ${scope.threads.opsPerThread} | ${f0(without)} | ${f0(c.scenarios)} | ${(without / c.scenarios).toFixed(1)}x | ${f0(ms)} |`);
  }
  replaceBetween("sweep-sizes", [
    `Measured by \`npm run bench -- sweep\` on Node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores). *Without reductions*: every set-up sequence kept (no deduplication of states), every quadrant offered to every operation, no canonical scenario key (checker/sweep/generate.ts countWithoutReduction).`,
    "",
    "| scope | subject | configurations | set-up depth | set-up sequences | set-up states | threads (counts, {role sets}) | ops per thread | scenarios without reductions | scenarios | removed | generation ms |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows,
  ]);
}

function hasParallel(): boolean {
  return spawnSync("parallel", ["--version"], { encoding: "utf8" }).status === 0;
}

interface Row {
  spec: string;
  text: string;
}

function runRow(spec: string, log: (s: string) => void): Row {
  const [scope, design, mutant] = spec.split(":") as [string, string, string | undefined];
  const dir = mkdtempSync(join(tmpdir(), "rmapcheck-bench-sweep-"));
  const who = ["--design", design, ...(mutant ? ["--mutant", mutant] : [])];
  const plan = spawnSync(process.execPath, [BIN, "sweep", "--scope", scope, ...who, "--plan", "--shards", String(shardsOf(scope)), "--prefix", `${process.execPath} ${BIN}`], { encoding: "utf8", cwd: dir, env: { ...process.env, INIT_CWD: dir } });
  if (plan.status !== 0) throw new Error(`sweep --plan failed: ${plan.stderr}`);
  const before = load();
  const t0 = Date.now();
  const how = hasParallel() ? "parallel -j 2" : "one shard after the other (GNU parallel not installed)";
  log(`[bench] sweep ${spec}: ${how}, load ${before}`);
  if (hasParallel()) spawnSync("parallel", ["-j", "2"], { input: plan.stdout, cwd: dir, env: { ...process.env, INIT_CWD: dir }, stdio: ["pipe", "ignore", "ignore"] });
  else for (const line of plan.stdout.trim().split("\n")) spawnSync("sh", ["-c", line], { cwd: dir, env: { ...process.env, INIT_CWD: dir }, stdio: "ignore" });
  const wall = (Date.now() - t0) / 1000;
  // A shard stopped before its verdict leaves an empty file (the shell's redirection): it counts as missing.
  const files = readdirSync(dir).filter((f) => f.startsWith("sweep-") && f.endsWith(".json")).map((f) => join(dir, f)).filter((f) => statSync(f).size > 0);
  if (files.length === 0) return { spec, text: `| \`${scope}\` | \`${design}\`${mutant ? ` + \`${mutant}\`` : ""} | incomplete: 0 of ${shardsOf(scope)} shards finished, nothing verified | - | - | - | ${wall.toFixed(0)} | - | ${before} |` };
  const m = mergeFiles(files).json as SweepSummary;
  const w = m.sweep;
  const v = m.violation;
  const found = v === null ? "-" : `${v.invariant}: ${v.operations} ops, ${v.preemptions} preemptions, ${v.atomicSteps} steps (\`${v.scenario}\`)`;
  const shards = shardsOf(scope);
  const finished = shards - (w.missingShards?.length ?? 0);
  const verdict = m.verdict === "verified" ? "verified" : m.verdict === "violation" ? "**violation**" : `incomplete: ${finished} of ${shards} shards finished, nothing verified`;
  return {
    spec,
    text: `| \`${scope}\` | \`${design}\`${mutant ? ` + \`${mutant}\`` : ""} | ${verdict} | ${found} | ${f0(w.explored)} of ${f0(w.scenarios - w.excluded)} (${f0(w.skipped)} skipped, ${f0(w.excluded)} excluded) | ${f0(w.executions)} | ${wall.toFixed(0)} | ${f0(w.executions / wall)} | ${before} |`,
  };
}

/** The rows already in the doc, by spec (a row rerun replaces its own; the others stay as measured). */
function previousRows(): Map<string, string> {
  const text = readFileSync(DOC, "utf8");
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^\| `([^`]+)` \| `([^`]+)`(?: \+ `([^`]+)`)? \| (?!not run).*$/gm)) out.set([m[1], m[2], ...(m[3] ? [m[3]] : [])].join(":"), m[0]);
  return out;
}

export function sweepBench(log: (s: string) => void): void {
  if (process.env.BENCH_SWEEP_SIZES !== "0") sizes(log);
  // BENCH_SWEEPS=none rewrites the block (its header and order) from the rows measured before.
  const chosen = process.env.BENCH_SWEEPS === "none" ? [] : process.env.BENCH_SWEEPS ? process.env.BENCH_SWEEPS.split(",") : ROWS;
  const specs = [...ROWS, ...chosen.filter((s) => !ROWS.includes(s))];
  const before = previousRows();
  const done: Row[] = specs.filter((s) => !chosen.includes(s) && before.has(s)).map((s) => ({ spec: s, text: before.get(s)! }));
  const write = () => {
    replaceBetween("sweep-runs", [
      `Measured by \`npm run bench -- sweep\` on ${cpus().length} cores: each row is \`sweep --plan --shards n\` (2 for the -s1 scopes, 8 for the others) run with ${hasParallel() ? "GNU parallel -j 2" : "the shards one after the other"}, then \`--merge\`d. *Wall s* is the whole plan; *load* the 1/5/15-minute load average when it started (the machine is shared: a load above the core count means the figures are slower than an idle machine's). *Skipped*: scenarios with more operations than a violation already found (the others with as many operations as it are explored within its preemptions only); *excluded*: scenarios outside what the design claims to handle.`,
      "",
      "| scope | design | verdict | smallest violation | scenarios explored | executions | wall s | executions/s | load |",
      "|---|---|---|---|---|---|---|---|---|",
      ...specs.map((s) => done.find((r) => r.spec === s)?.text ?? `| \`${s.split(":")[0]}\` | \`${s.split(":")[1]}\` | not run yet | | | | | | |`),
    ]);
    writeSweepFindings(DOC);
  };
  if (chosen.length === 0) write();
  for (const spec of chosen) {
    const i = done.findIndex((r) => r.spec === spec);
    if (i >= 0) done.splice(i, 1);
    done.push(runRow(spec, log));
    write();
  }
}
