/**
 * `rmapcheck sweep` as a user meets it (the built binary, dist/cli/main.js):
 * the verdicts and exit statuses on the tiny scope, the saved counterexample
 * replaying and the saved scenario exploring alone, and bad input as one
 * line with exit 2.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..");
const BIN = join(ROOT, "dist", "cli", "main.js");

function cli(args: string[], cwd: string = ROOT) {
  const env: Record<string, string | undefined> = { ...process.env, INIT_CWD: cwd };
  delete env.npm_lifecycle_event;
  return spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd, env, timeout: 120_000 });
}

function expectUsage(r: ReturnType<typeof cli>, pattern: RegExp): void {
  expect(r.status).toBe(2);
  const lines = r.stderr.split("\n").filter((l) => l.length > 0);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^rmapcheck: /);
  expect(lines[0]).toMatch(pattern);
}

describe("rmapcheck sweep", () => {
  test("v3 exits 1 with F1, saved and replayable; v3-fixed exits 0 verified within the scope", () => {
    const dir = mkdtempSync(join(tmpdir(), "rmapcheck-sweep-cli-"));
    const bad = cli(["sweep", "--scope", "series-t0", "--design", "v3", "--json", "--out", "cx"], dir);
    expect(bad.status).toBe(1);
    const v = JSON.parse(bad.stdout);
    expect(v).toMatchObject({ verdict: "violation", kind: "sweep", violation: { invariant: "INV-SP-LIVE", operations: 3 } });
    expect(bad.stderr).toMatch(/\[rmapcheck\] sweep series-t0: 2\/2 scenarios, [\d,]+ executions, \d+ violations?, ~\S+ left/);
    expect(readdirSync(join(dir, "cx")).length).toBe(2);
    const replayed = cli(["--replay", v.violation.file], dir);
    expect(replayed.status).toBe(1);
    expect(replayed.stdout).toMatch(/INV-SP-LIVE/);
    const alone = cli(["--exhaustive", "--scenario", v.violation.scenarioFile, "--design", "v3", "--json", "--out", "cx2"], dir);
    expect(alone.status).toBe(1);
    expect(JSON.parse(alone.stdout).violation.invariant).toBe("INV-SP-LIVE");
    const good = cli(["sweep", "--scope", "series-t0", "--design", "v3-fixed"], dir);
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/result: verified within scope series-t0: 1 configurations, 2 set-up states, 2 scenarios, [\d,]+ executions, <= 2 preemptions/);
  });

  test("bad input is one line and exit 2", () => {
    expectUsage(cli(["sweep"]), /sweep needs --scope/);
    expectUsage(cli(["sweep", "--scope", "series-s9", "--design", "v3"]), /unknown scope "series-s9"/);
    expectUsage(cli(["sweep", "--scope", "series-t0"]), /needs --design D or --mutant M/);
    expectUsage(cli(["sweep", "--scope", "series-t0", "--design", "v3", "--shard", "5/4"]), /must be i\/n with 1 <= i <= n/);
    expectUsage(cli(["sweep", "--scope", "series-t0", "--design", "v3", "--plan"]), /--plan needs --shards n/);
    expectUsage(cli(["sweep", "--scope", "series-t0", "--mutant", "handshake-no-mb"]), /sequential consistency only/);
    expectUsage(cli(["sweep", "--scope", "lockless-t0", "--design", "v3"]), /unknown design of lockless-aging "v3"/);
  });

  test("--plan: n deterministic shard commands; --write-scenarios: files the exhaustive mode reads", () => {
    const a = cli(["sweep", "--scope", "series-s1", "--design", "v3-fixed", "--plan", "--shards", "4"]);
    expect(a.status).toBe(0);
    const lines = a.stdout.trim().split("\n");
    expect(lines).toEqual([1, 2, 3, 4].map((i) => `npx rmapcheck sweep --scope series-s1 --design v3-fixed --shard ${i}/4 --json > sweep-series-s1-${i}-of-4.json`));
    expect(cli(["sweep", "--scope", "series-s1", "--design", "v3-fixed", "--plan", "--shards", "4"]).stdout).toBe(a.stdout);
    const dir = mkdtempSync(join(tmpdir(), "rmapcheck-sweep-files-"));
    const w = cli(["sweep", "--scope", "series-t0", "--write-scenarios", "out"], dir);
    expect(w.status).toBe(0);
    const files = readdirSync(join(dir, "out"));
    expect(files).toEqual(["series-t0-ext2-s1-t0.json", "series-t0-ext2-s1-t1.json"]);
    const one = cli(["--exhaustive", "--scenario", join("out", files[0]!), "--design", "v3-fixed", "--json", "--out", "cx"], dir);
    expect(one.status).toBe(0);
  });
});
