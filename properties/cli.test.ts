/**
 * The command line as a user meets it: the built binary (dist/cli/main.js,
 * which `npm test` builds first), spawned with bad input and with the
 * documented options. Each row of issue 10's table has its test: the exit
 * status, and stderr one line without a stack trace.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..");
const BIN = join(ROOT, "dist", "cli", "main.js");
const CORPUS = join(ROOT, "properties", "corpus");
const F1 = join(CORPUS, "v3-INV-SP-LIVE-seed1.json");
const tmp = () => mkdtempSync(join(tmpdir(), "rmapcheck-cli-"));

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], opts: { env?: Record<string, string>; cwd?: string; timeout?: number } = {}): Ran {
  const env: Record<string, string | undefined> = { ...process.env, ...opts.env };
  if (opts.env?.npm_lifecycle_event === undefined) delete env.npm_lifecycle_event;
  for (const k of Object.keys(env)) if (k.startsWith("npm_config_") && opts.env?.[k] === undefined) delete env[k];
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd: opts.cwd ?? ROOT, env, timeout: opts.timeout ?? 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 2 with exactly one line on stderr, no stack trace. */
function expectUsage(r: Ran, pattern: RegExp): void {
  expect(r.status).toBe(2);
  const lines = r.stderr.split("\n").filter((l) => l.length > 0);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^rmapcheck: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

/** A copy of the F1 counterexample with one change, written to a temporary file. */
function damaged(edit: (f: any) => void): string {
  const f = JSON.parse(readFileSync(F1, "utf8"));
  edit(f);
  const p = join(tmp(), "cx.json");
  writeFileSync(p, JSON.stringify(f));
  return p;
}

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error("dist/cli/main.js is missing: `npm test` builds it (npm run build)");
});

/** The binary started with `args`, its output collected as it comes. */
function started(args: string[]): { child: ChildProcessWithoutNullStreams; out: { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT });
  const out = { stdout: "", stderr: "" };
  child.stdout.on("data", (d) => (out.stdout += d));
  child.stderr.on("data", (d) => (out.stderr += d));
  return { child, out };
}

/** SIGTERM to a running check: it must exit 143 within 5 s and print no pass. Returns the last line of its stderr. */
async function terminated({ child, out }: ReturnType<typeof started>): Promise<string> {
  const sent = Date.now();
  child.kill("SIGTERM");
  const status = await new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  expect(Date.now() - sent).toBeLessThan(5000);
  expect(status).toBe(143);
  expect(out.stdout).not.toMatch(/result: ok/);
  return out.stderr.trim().split("\n").pop() ?? "";
}

describe("the rmapcheck binary", () => {
  test("--help and --version exit 0; --design v3-fixed --seed 3 passes", () => {
    expect(run(["--help"]).status).toBe(0);
    expect(run(["--help"]).stdout).toMatch(/--design <name>[\s\S]*Examples:/);
    expect(run(["--version"]).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const r = run(["--design", "v3-fixed", "--seed", "3", "--runs", "100", "--sequences", "20", "--out", tmp()]);
    expect(r.status).toBe(0);
    expect(r.stdout.replace(/\n {2}/g, " ")).toMatch(/result: ok, no violation in 20 sequential command sequences and 100 concurrent runs/);
  });

  test("row 1: `npm start --seed=7` (npm keeps the option) is refused, not run with seed 1; relative paths are the user's", () => {
    expectUsage(run([], { env: { npm_lifecycle_event: "start", npm_config_seed: "7" } }), /npm took --seed for itself.*npm start -- --seed/);
    const user = tmp();
    const r = run(["--mutant", "unmap-invalid-no-skip-check", "--runs", "1000", "--sequences", "0", "--out", "cx"], { env: { INIT_CWD: user } });
    expect(r.status).toBe(1);
    expect(readdirSync(join(user, "cx")).length).toBe(1);
    expect(r.stdout).toMatch(/counterexample saved to\s+cx\//);
  });

  test("node's own flags reach the job: a V8 flag runs (it once stopped the worker), --cpu-prof profiles the worker too", () => {
    const dir = tmp();
    const r = spawnSync(process.execPath, ["--max-inlined-bytecode-size-cumulative=400", "--cpu-prof", `--cpu-prof-dir=${dir}`, BIN, "--design", "v3-fixed", "--runs", "5", "--sequences", "0"], { encoding: "utf8", cwd: ROOT, timeout: 60_000 });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/result: ok/);
    // One profile per thread that ran JavaScript: the main thread and the job's worker.
    expect(readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")).length).toBeGreaterThanOrEqual(2);
  });

  test("row 2: --json prints one JSON object and nothing else on stdout", () => {
    const r = run(["--json", "--design", "v3-fixed", "--runs", "50", "--sequences", "5", "--out", tmp()]);
    expect(r.status).toBe(0);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
    expect(JSON.parse(r.stdout).restsOn).toMatch(/sampled, not a proof/);
  });

  test("rows 3-4: an unusable --out is one line, exit 2, before any search, and never a hang", () => {
    const dir = tmp();
    symlinkSync(join(dir, "nowhere"), join(dir, "dangling"));
    for (const out of ["/dev/null", "/etc/passwd/sub", join(dir, "dangling"), "/proc/nonexistent"]) {
      const r = run(["--out", out], { timeout: 20_000 });
      expectUsage(r, /^rmapcheck: --out /);
    }
  });

  test("row 5: options a mode ignores are refused, not silently dropped", () => {
    for (const extra of [["--seed", "5"], ["--tso"], ["--depth", "2"], ["--sequences", "3"], ["--out", "x"], ["--design", "v3"], ["--runs", "3"], ["--scheduler", "random"]]) {
      expectUsage(run(["--replay", F1, ...extra]), /does not apply to --replay/);
    }
    expectUsage(run(["--list", "--seed", "2"]), /does not apply to --list/);
    expectUsage(run(["--mutants", "--design", "v3"]), /does not apply to --mutants/);
    expectUsage(run(["--replay", F1, "--workers", "2"]), /--workers does not apply to --replay/);
    expectUsage(run(["--mutants", "--workers", "0"]), /--workers/);
    expectUsage(run(["--workers", "0"]), /--workers/);
  });

  test("--workers 2: a check prints what it prints on one thread, counterexample and counts included; --json differs in timing only", () => {
    // v3 at seed 1 fails at concurrent run 239: found, shrunk and reported with the runs shared between two threads.
    const args = ["--design", "v3", "--runs", "600", "--sequences", "10"];
    const out = tmp(); // one folder: the same counterexample is saved under the same name
    const [one, two] = ["1", "2"].map((w) => run([...args, "--workers", w, "--out", out], { timeout: 120_000 }));
    expect(one!.status).toBe(1);
    expect(one!.stdout).toMatch(/VIOLATION of \S+ \(first seen after 239 concurrent runs/);
    expect(two!.stdout).toBe(one!.stdout);
    expect(two!.status).toBe(1);
    const [j1, j2] = ["1", "2"].map((w) => JSON.parse(run([...args, "--workers", w, "--json", "--out", out], { timeout: 120_000 }).stdout));
    const untimed = (j: { timing: unknown }) => ({ ...j, timing: null });
    expect(untimed(j2)).toEqual(untimed(j1));
  });

  test("row 6: --list --json is JSON; --help --json is refused", () => {
    const r = run(["--list", "--json"]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).designs.map((d: { name: string }) => d.name)).toContain("v3-fixed");
    expectUsage(run(["--help", "--json"]), /--help prints text/);
  });

  test("row 7: a value option given twice is refused", () => {
    expectUsage(run(["--seed", "1", "--seed", "2"]), /given twice/);
  });

  test("row 8: a closed pipe ends the program quietly with the verdict's status", () => {
    for (const tail of ["true", "head -1"]) {
      const r = spawnSync("bash", ["-c", `"${process.execPath}" "${BIN}" --list | ${tail}; echo "status \${PIPESTATUS[0]}" >&2`], { encoding: "utf8", cwd: ROOT });
      expect(r.stderr.trim()).toBe("status 0");
    }
  });

  test("row 9: --replay of a device or an oversized file is refused before reading it", () => {
    expectUsage(run(["--replay", "/dev/zero"], { timeout: 20_000 }), /not a regular file/);
    const big = join(tmp(), "big.json");
    writeFileSync(big, " ".repeat(5 * 1024 * 1024));
    expectUsage(run(["--replay", big]), /larger than/);
  });

  test("rows 10-12: a damaged file is 'malformed file: FIELD: reason', never blamed on the code", () => {
    const cases: Array<[(f: any) => void, RegExp]> = [
      [(f) => delete f.failedAt, /malformed file .*: failedAt: /],
      [(f) => (f.failedAt = "x"), /malformed file .*: failedAt: /],
      [(f) => (f.failedAt = -7), /malformed file .*: failedAt: /],
      [(f) => f.schedule.pop(), /malformed file .*: failedAt: is 23, but the schedule has 23 steps/],
      [(f) => f.schedule.push({ thread: 0, label: "x" }), /malformed file .*: failedAt: /],
      [(f) => (f.schedule = f.schedule.concat(Array.from({ length: 720_000 }, () => ({ thread: 0, label: "x" })))), /malformed file .*(larger than|failedAt)/],
      [(f) => (f.trace.setup = Array.from({ length: 420_000 }, () => f.trace.setup[0])), /malformed file .*(larger than|trace\.setup)/],
      [(f) => (f.trace.setup[0].level = 1000), /malformed file .*: trace\.setup\.0\.level: /],
      [(f) => (f.trace.setup[0].quadrant = 99), /malformed file .*: trace\.setup\.0\.quadrant: /],
      [(f) => (f.trace.config.slots = []), /malformed file .*: trace\.config\.slots: /],
    ];
    for (const [edit, pattern] of cases) expectUsage(run(["--replay", damaged(edit)]), pattern);
  });

  test("row 11b: a file the code no longer matches names the step, the file's label and the code's", () => {
    const p = damaged((f) => (f.schedule[3].label = "kvm_mmu_invalidate_memslot_pages: something else"));
    expectUsage(run(["--replay", p]), /the code no longer matches .* at step 4 \(thread 0\): file says "kvm_mmu_invalidate_memslot_pages: something else", code says "/);
  });

  test("row 13: negative and fractional numbers get a clear message", () => {
    expectUsage(run(["--seed", "-1"]), /--seed.*must be a whole number/);
    expectUsage(run(["--runs", "2.5"]), /--runs.*must be a whole number/);
    expectUsage(run(["--design", "v3-fxed"]), /did you mean "v3-fixed"/);
    expectUsage(run(["--desing", "v3"]), /unknown option '--desing'.*did you mean --design/);
  });

  test("row 14: SIGTERM stops a run within about a second, keeps the best counterexample, exits 143 and prints no pass", async () => {
    const out = tmp();
    const check = started(["--runs", "1000000", "--sequences", "0", "--out", out]);
    // v3's race is found after a few hundred runs; wait for the file, then interrupt.
    await new Promise<void>((resolve, reject) => {
      const t0 = Date.now();
      const poll = setInterval(() => {
        if (readdirSync(out).some((f) => f.endsWith(".json"))) {
          clearInterval(poll);
          resolve();
        } else if (Date.now() - t0 > 60_000) {
          clearInterval(poll);
          reject(new Error("no counterexample within 60 s"));
        }
      }, 50);
    });
    expect(await terminated(check)).toMatch(/^rmapcheck: interrupted by SIGTERM: no verdict; kept .*\.json$/);
    const kept = readdirSync(out).filter((f) => f.endsWith(".json"));
    expect(kept).toHaveLength(1);
    expect(() => JSON.parse(readFileSync(join(out, kept[0]!), "utf8"))).not.toThrow();
  });

  test("row 14 on two threads: SIGTERM during a passing search stops both threads within seconds, exits 143 and prints no pass", async () => {
    const check = started(["--design", "v3-fixed", "--runs", "1000000", "--sequences", "0", "--workers", "2", "--out", tmp()]);
    await new Promise((resolve) => setTimeout(resolve, 3000)); // well inside a search of minutes
    expect(await terminated(check)).toMatch(/^rmapcheck: interrupted by SIGTERM: no verdict; no counterexample was found to keep$/);
  });

  test("row 15: the file name holds a hash of the search's options, and the file records the tool, the options and the seed", () => {
    const out = tmp();
    const mutant = ["--mutant", "unmap-invalid-no-skip-check", "--runs", "600", "--sequences", "0", "--out", out];
    run(mutant);
    run([...mutant, "--scheduler", "random"]);
    const files = readdirSync(out).sort();
    expect(files).toHaveLength(2);
    for (const f of files) expect(f).toMatch(/^v3-fixed-unmap-invalid-no-skip-check-INV-[A-Z-]+-seed1-[0-9a-f]{8}\.json$/);
    const saved = JSON.parse(readFileSync(join(out, files[0]!), "utf8"));
    expect(saved.tool.name).toBe("rmapcheck");
    expect(saved.options).toMatchObject({ design: "v3-fixed", mutant: "unmap-invalid-no-skip-check", seed: 1, sequences: 0, mode: "sampled" });
  });

  test("row 16: --format narrow fits 80 columns for every corpus counterexample, each step naming its impl/ file and line", () => {
    const files = [...readdirSync(CORPUS).filter((f) => f.endsWith(".json")).map((f) => join(CORPUS, f))];
    for (const f of files) {
      const r = run(["--replay", f, "--format", "narrow"]);
      expect(r.status).toBe(1);
      // Every line but the replay command, which is never broken so that it pastes.
      const lines = r.stdout.split("\n").filter((l, i, all) => !(all[i - 1] === "replay:" && l.startsWith("npx rmapcheck --replay ")));
      for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
      const steps = r.stdout.replace(/\n {13}/g, " ").split("\n").filter((l) => /^ *(>>)?\d+ CPU\d/.test(l));
      expect(steps.length).toBeGreaterThan(5);
      // A store buffer's commit (x86-TSO, "CPU0:sb") is the engine's step: it quotes the store it commits instead.
      for (const s of steps) if (!/^ *(>>)?\d+ CPU\d+:sb /.test(s)) expect(s).toMatch(/\[[a-z_/]+\.ts:\d+\]/);
    }
  });

  test("row 16: each step's impl/ file and line are those Node's own source-mapped stacks name (the command maps dist/ frames itself)", () => {
    // Every corpus file of both subjects replayed twice: as shipped, and with Node's source maps on (the stacks then name the .ts lines).
    const files = [CORPUS, join(CORPUS, "lockless")].flatMap((d) => readdirSync(d).filter((x) => x.endsWith(".json")).map((x) => join(d, x)));
    let total = 0;
    for (const f of files) {
      const sites = (flags: string[]) => {
        const r = spawnSync(process.execPath, [...flags, BIN, "--replay", f, "--format", "narrow"], { encoding: "utf8", cwd: ROOT });
        return r.stdout.match(/\[[a-z_/]+\.ts:\d+\]/g) ?? [];
      };
      const mapped = sites([]);
      total += mapped.length;
      expect({ f, sites: mapped }).toEqual({ f, sites: sites(["--enable-source-maps"]) });
    }
    // Most of them have steps, so most of the comparisons compare sites.
    expect(total).toBeGreaterThan(10 * files.length);
  });

  test("row 17: progress on stderr with --json, by phase, never past the budget", () => {
    const r = run(["--json", "--design", "v3-fixed", "--runs", "40", "--sequences", "10", "--out", tmp()]);
    const lines = r.stderr.trim().split("\n");
    expect(lines.some((l) => /^\[rmapcheck\] sequential: \d+\/10/.test(l))).toBe(true);
    expect(lines.some((l) => /^\[rmapcheck\] concurrent: 40\/40 /.test(l))).toBe(true);
    for (const l of lines) {
      const m = /: (\d+)\/(\d+)/.exec(l);
      if (m) expect(Number(m[1])).toBeLessThanOrEqual(Number(m[2]));
    }
    expect(JSON.parse(r.stdout).runs).toBeLessThanOrEqual(40);
  });

  test("--compare --json gives a row per design, and refuses options that do not apply", () => {
    const r = run(["--compare", "--json", "--sizes", "16", "--pages", "16", "--runs", "30", "--sequences", "3", "--checked-up-to", "0", "--no-sweep"]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.rows.map((x: { design: string }) => x.design)).toEqual(["baseline", "v3", "v3-fixed", "merged-3.11", "zap-all-2019", "zap-roots-v1", "zap-roots-v1-track"]);
    // wall-clock figures, as in every --json, only in `timing`
    expect(Object.keys(out.timing).sort()).toEqual(["checkMs", "checkedStepsPerSecond", "costMs", "exhaustiveMs", "profilesMs", "sweepMs"]);
    expect(out.sweep).toBeNull(); // --no-sweep
    expect(out.timing.checkMs["zap-roots-v1"]).toBeGreaterThanOrEqual(0);
    expectUsage(run(["--compare", "--design", "v3"]), /does not apply to --compare/);
    expectUsage(run(["--compare", "--pages", "32", "--sizes", "16,64"]), /--pages 32 must be one of --sizes/);
  });

  test("a violation found in the sequential phase is saved, printed with the same table, and replays exactly", () => {
    const out = tmp();
    const r = run(["--mutant", "no-backfill", "--format", "narrow", "--out", out]);
    expect(r.status).toBe(1);
    expect(r.stdout.replace(/\n {2}(?=\S)/g, " ")).toMatch(/^sequential: .*VIOLATION of /m);
    expect(r.stdout).toMatch(/steps: number, CPU, function: access/);
    const files = readdirSync(out);
    expect(files).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(out, files[0]!), "utf8")).mode).toBe("sequential");
    const again = run(["--replay", join(out, files[0]!)]);
    expect(again.status).toBe(1);
    expect(again.stdout).toMatch(/^replayed .*\n  exactly: INV-/);
  });

  test("the sequential minimiser never tries a command its guard forbids; such a file is malformed on replay", () => {
    // unmap-invalid-no-skip-check, seed 5: the sequential counterexample holds a
    // DELETE's phases; dropping its begin_delete_slot once crashed the minimiser
    // (an internal error, exit 3) instead of being a candidate that does not run.
    const out = tmp();
    const r = run(["--mutant", "unmap-invalid-no-skip-check", "--seed", "5", "--runs", "50", "--out", out]);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status).toBe(1);
    const file = join(out, readdirSync(out)[0]!);
    const cx = JSON.parse(readFileSync(file, "utf8"));
    expect(cx.mode).toBe("sequential");
    const ops: Array<{ kind: string }> = cx.trace.threads[0].ops;
    const begin = ops.findIndex((o) => o.kind === "begin_delete_slot");
    expect(begin).toBeGreaterThanOrEqual(0);
    expect(ops.slice(begin + 1).some((o) => o.kind === "unmap_invalid_slot" || o.kind === "unmap_invalid_rmap")).toBe(true);
    cx.trace.threads[0].ops = ops.filter((_, i) => i !== begin);
    const damaged = join(out, "no-begin.json");
    writeFileSync(damaged, JSON.stringify(cx));
    expectUsage(run(["--replay", damaged]), /malformed file .*no-begin\.json: trace\.threads\.0\.ops\.\d+: .* may not run there/);
    expectUsage(run(["--exhaustive", "--replay", file]), /is a sequential counterexample \(one thread, so one schedule\)/);
  });

  test("a livelock prints as a lasso: its stem, one turn of the cycle that repeats forever, in under 100 lines", () => {
    const r = run(["--mutant", "zap-keeps-page-listed", "--format", "narrow", "--out", tmp()]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/VIOLATION of LIVELOCK/);
    expect(r.stdout).toMatch(/steps \d+-\d+ repeat forever/);
    // The counterexample, from its VIOLATION line to the replay command (the summary lines around it wrap to 80 columns).
    const cx = r.stdout.slice(r.stdout.indexOf("VIOLATION of LIVELOCK"), r.stdout.indexOf("replay:"));
    expect(cx.trimEnd().split("\n").length).toBeLessThan(100);
  });

  test("--json --seed 7 twice is identical once `timing` is removed", () => {
    const args = ["--json", "--seed", "7", "--runs", "400", "--sequences", "20"];
    const a = JSON.parse(run([...args, "--out", tmp()]).stdout);
    const b = JSON.parse(run([...args, "--out", tmp()]).stdout);
    delete a.timing;
    delete b.timing;
    // The saved file's path is the only other thing that depends on where it ran.
    for (const x of [a, b]) if (x.violation) x.violation.file = x.violation.replay = "";
    expect(b).toEqual(a);
  });

  test("--exhaustive: a violation (exit 1, saved, replayable), a verified scenario (exit 0), a spent budget (exit 4, never a pass)", () => {
    const out = tmp();
    const v = run(["--exhaustive", "--scenario", "f1-destroy-vs-shrink", "--design", "v3", "--out", out, "--json"]);
    expect(v.status).toBe(1);
    const s = JSON.parse(v.stdout);
    expect(s.verdict).toBe("violation");
    expect(s.violation.invariant).toBe("INV-SP-LIVE");
    const files = readdirSync(out);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^v3-INV-SP-LIVE-exhaustive-f1-destroy-vs-shrink-[0-9a-f]{8}\.json$/);
    const rp = run(["--replay", join(out, files[0]!)]);
    expect(rp.status).toBe(1);
    expect(rp.stdout).toMatch(/exactly: INV-SP-LIVE/);
    const fixed = run(["--exhaustive", "--replay", join(out, files[0]!), "--design", "v3-fixed", "--preemptions", "1"]);
    expect(fixed.status).toBe(0);
    expect(fixed.stdout).toMatch(/result: verified: .* executions/);
    expect(fixed.stdout.replace(/\n {2}(?=\S)/g, " ")).toMatch(/what it rests on: the scenario's configuration, set-up and threads only; sequential consistency/);
    const spent = run(["--exhaustive", "--scenario", "unmap-two-descs", "--design", "v3-fixed", "--max-executions", "5"]);
    expect(spent.status).toBe(4);
    expect(spent.stdout.replace(/\n {2}(?=\S)/g, " ")).toMatch(/INCOMPLETE.*nothing is verified/);
    expect(spent.stdout).not.toMatch(/verified:/);
  });

  test("--exhaustive --shard i/n and --merge: the shards add up to the one-process verdict; a missing shard is incomplete", () => {
    const dir = tmp();
    const args = ["--exhaustive", "--scenario", "unmap-direct", "--design", "v3-fixed", "--preemptions", "1", "--json"];
    const whole = JSON.parse(run(args).stdout);
    const files = [1, 2, 3].map((i) => {
      const r = run([...args, "--shard", `${i}/3`]);
      expect(r.status).toBe(4);
      const f = join(dir, `s${i}.json`);
      writeFileSync(f, r.stdout);
      return f;
    });
    const merged = run(["--merge", ...files, "--json"]);
    expect(merged.status).toBe(0);
    const m = JSON.parse(merged.stdout);
    expect(m.verdict).toBe("verified");
    expect(m.exhaustive.executions).toBe(whole.exhaustive.executions);
    const partial = run(["--merge", files[0]!, files[2]!]);
    expect(partial.status).toBe(4);
    expect(partial.stdout).toMatch(/shard 2 are missing/);
    writeFileSync(join(dir, "bad.json"), "{}");
    expectUsage(run(["--merge", join(dir, "bad.json")]), /malformed summary .*bad\.json: ok: /);
  });

  test("--exhaustive: bad input is one line and exit 2", () => {
    expectUsage(run(["--exhaustive"]), /--exhaustive needs --scenario/);
    expectUsage(run(["--preemptions", "2"]), /--preemptions needs --exhaustive/);
    expectUsage(run(["--exhaustive", "--scenario", "unmap-direkt"]), /unknown scenario "unmap-direkt"/);
    expectUsage(run(["--exhaustive", "--scenario", "unmap-direct", "--design", "baseline"]), /design baseline has no such path/);
    expectUsage(run(["--exhaustive", "--scenario", "unmap-direct", "--shard", "3/2"]), /--shard/);
    expectUsage(run(["--exhaustive", "--scenario", "unmap-direct", "--preemptions", "-1"]), /--preemptions/);
    expectUsage(run(["--exhaustive", "--scenario", "unmap-direct", "--replay", F1]), /cannot be combined/);
    const bad = join(tmp(), "scenario.json");
    writeFileSync(bad, JSON.stringify({ name: "x", description: "d", config: {}, setup: [], threads: [{ role: "ioctl", ops: [] }] }));
    expectUsage(run(["--exhaustive", "--scenario", bad]), /malformed scenario .*config\.kvm/);
    const lockless = join(ROOT, "properties", "corpus", "lockless", "pre-928c54b1c4ca-LOST-UPDATE-seed1.json");
    expectUsage(run(["--exhaustive", "--replay", lockless, "--subject", "series"]), /is a counterexample of subject lockless-aging, not series; drop --subject/);
    expectUsage(run(["--exhaustive", "--replay", lockless, "--design", "v3"]), /unknown design "v3"/);
  });

  test("--exhaustive on the lockless subject: a scenario by name, and a replayed file's design taken from its subject", () => {
    const out = tmp();
    const found = run(["--exhaustive", "--subject", "lockless-aging", "--scenario", "lockless-k7-ad-disabled", "--design", "pre-928c54b1c4ca", "--out", out]);
    expect(found.status).toBe(1);
    expect(found.stdout).toMatch(/VIOLATION of LOST-UPDATE with 1 preemption; none with 0/);
    const lockless = join(ROOT, "properties", "corpus", "lockless", "pre-928c54b1c4ca-LOST-UPDATE-seed1.json");
    const fixed = run(["--exhaustive", "--replay", lockless, "--design", "merged", "--json"]);
    expect(fixed.status).toBe(0);
    expect(JSON.parse(fixed.stdout)).toMatchObject({ verdict: "verified", subject: "lockless-aging", design: "merged" });
  });
});
