/**
 * A sweep's shard plan run by GNU parallel, as docs/sweep.md tells a user
 * to: `sweep --plan --shards 3 | parallel -j 2`, then `--merge`. The merged
 * verdict must equal the unsharded one (same verdict, scenarios and
 * executions). Uses the built binary (dist/cli/main.js, which `npm test`
 * builds first) and a tiny scope. Where GNU parallel is not installed (.ci/run
 * installs it) the test says so and is skipped.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..");
const BIN = join(ROOT, "dist", "cli", "main.js");
const hasParallel = spawnSync("parallel", ["--version"], { encoding: "utf8" }).status === 0;
if (!hasParallel) process.stderr.write("properties/sweep_parallel.test.ts: GNU parallel is not installed (apt-get install parallel; .ci/run does): skipped\n");
const maybe = hasParallel ? test : test.skip;

function cli(args: string[], cwd: string) {
  const env: Record<string, string | undefined> = { ...process.env, INIT_CWD: cwd };
  return spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd, env, timeout: 120_000 });
}

describe("a sweep's plan through GNU parallel", () => {
  maybe("lockless-t0 in 3 shards with parallel -j 2 merges to the unsharded verdict", () => {
    const dir = mkdtempSync(join(tmpdir(), "rmapcheck-parallel-"));
    const who = ["sweep", "--scope", "lockless-t0", "--design", "merged-aligned-callers"];
    const whole = cli([...who, "--json"], dir);
    expect(whole.status).toBe(0);
    const w = JSON.parse(whole.stdout);
    expect(w).toMatchObject({ verdict: "verified", sweep: { complete: true, scope: "lockless-t0" } });
    const plan = cli([...who, "--plan", "--shards", "3", "--prefix", `${process.execPath} ${BIN}`], dir);
    expect(plan.status).toBe(0);
    expect(plan.stdout.trim().split("\n")).toHaveLength(3);
    const par = spawnSync("parallel", ["-j", "2"], { input: plan.stdout, cwd: dir, encoding: "utf8", env: { ...process.env, INIT_CWD: dir }, timeout: 120_000 });
    // Each shard alone is incomplete (exit 4): parallel exits with the number of such jobs.
    expect(par.status).toBe(3);
    const files = readdirSync(dir).filter((f) => /^sweep-lockless-t0-\d-of-3\.json$/.test(f));
    expect(files).toHaveLength(3);
    const merged = cli(["--merge", ...files, "--json"], dir);
    expect(merged.status).toBe(0);
    const m = JSON.parse(merged.stdout);
    expect(m.verdict).toBe(w.verdict);
    expect(m.sweep.executions).toBe(w.sweep.executions);
    expect(m.sweep.explored).toBe(w.sweep.explored);
    expect(m.sweep.scenarios).toBe(w.sweep.scenarios);
    const text = cli(["--merge", ...files], dir);
    expect(text.stdout).toMatch(/verified within scope lockless-t0: 1 configurations, 2 set-up states, \d+ scenarios/);
    // A missing shard: incomplete, exit 4.
    const partial = cli(["--merge", files[0]!, files[1]!], dir);
    expect(partial.status).toBe(4);
    expect(partial.stdout).toMatch(/shard 3 are missing/);
  });
});
