/**
 * Issue 23 (what a script or a new user trips over) and issue 22's items 3,
 * 5 and 6, each against the built binary (dist/cli/main.js, which `npm test`
 * builds first) or the TypeScript sources under tsx, spawned as a user would.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { EXAMPLES, type ExampleName, excerpt } from "../bench/counterexamples";

const ROOT = join(__dirname, "..");
const BIN = join(ROOT, "dist", "cli", "main.js");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");
const CORPUS = join(ROOT, "properties", "corpus");
const F1 = join(CORPUS, "v3-INV-SP-LIVE-seed1.json");
const tmp = () => mkdtempSync(join(tmpdir(), "rmapcheck-cli23-"));

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

function clean(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith("npm_")) delete env[k];
  return env;
}

function run(args: string[], timeout = 60_000): Ran {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd: ROOT, env: clean(), timeout });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectUsage(r: Ran, pattern: RegExp): void {
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.status).toBe(2);
}

function damaged(edit: (f: any) => void): string {
  const f = JSON.parse(readFileSync(F1, "utf8"));
  edit(f);
  const p = join(tmp(), "cx.json");
  writeFileSync(p, JSON.stringify(f));
  return p;
}

/** Each step line of a narrow counterexample (wrapped lines joined): the label and its [file:line]. */
function narrowSteps(text: string): Array<{ label: string; file: string | null; line: number }> {
  const joined = text.replace(/\n {13}(?=\S)/g, " ");
  return joined
    .split("\n")
    .map((l) => /^ *(?:>>)?\d+ CPU\d+(?::sb)? +(.*?)(?: \[([^\]]+\.ts):(\d+)\])?(?: {2}<-- .*)?$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ label: m[1]!, file: m[2] ?? null, line: Number(m[3] ?? 0) }));
}

/** The string and template literals of a line, as patterns (a template's ${...} matches anything). */
function literals(src: string): RegExp[] {
  return [...src.matchAll(/"((?:[^"\\]|\\.)*)"|`((?:[^`\\]|\\.)*)`/g)].map((m) => {
    const lit = m[1] ?? m[2]!;
    return new RegExp(`^${lit.split(/\$\{[^}]*\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
  });
}

/**
 * The source line holds the step: a literal on it is the label, or (a step a
 * helper of steps.ts or a lock wrapper makes for its caller) the line calls
 * the helper with the caller's name, or calls the ghost helper the label
 * names (setPfnAccessed for kvm_set_pfn_accessed).
 */
function lineHoldsLabel(src: string, label: string): boolean {
  const bare = label.replace(/ \((?:misses|buffered|still)[^)]*\)$/, "");
  if (literals(src).some((re) => re.test(bare))) return true;
  const words = [...src.matchAll(/"([a-z_][a-z0-9_]*)"/g)].map((m) => m[1]!);
  if (words.some((w) => w.length >= 6 && bare.includes(w))) return true;
  const calls = [...src.matchAll(/\b([a-z][A-Za-z]+)\(/g)].map((m) => m[1]!.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
  return calls.some((c) => c.length >= 8 && bare.includes(c));
}

describe("issue 22 item 6: counterexamples point at the TypeScript source", () => {
  test("every file:line of four corpus counterexamples (both subjects, x86-TSO) holds the step's label", () => {
    const files = [F1, "v3-fix1-only-KERNEL-BUG-seed1.json", "v3-fixed-handshake-no-mb-INV-MEM-tso-seed3.json", "lockless/pre-928c54b1c4ca-LOST-UPDATE-seed1.json"].map((f) => (f.startsWith("/") ? f : join(CORPUS, f)));
    for (const f of files) {
      const r = run(["--replay", f, "--format", "narrow"]);
      expect(r.status).toBe(1);
      const steps = narrowSteps(r.stdout);
      expect(steps.length).toBeGreaterThan(10);
      for (const s of steps) {
        // A store buffer's commit (x86-TSO) is the engine's step, not a line of impl/: it quotes its store.
        if (/ store buffer: commit "/.test(s.label)) {
          expect(s.file).toBeNull();
          continue;
        }
        expect({ label: s.label, file: s.file }).toEqual({ label: s.label, file: expect.stringMatching(/\.ts$/) });
        expect(s.file).not.toMatch(/(^|\/)steps\.ts$/);
        const src = readFileSync(join(ROOT, "impl", s.file!), "utf8").split("\n")[s.line - 1] ?? "";
        if (!lineHoldsLabel(src, s.label)) throw new Error(`${f}: step "${s.label}" sited at impl/${s.file}:${s.line}, which reads: ${src.trim()}`);
      }
    }
  });

  test("the header counts switches from the default schedule, the exhaustive verdict preemptions, each named", () => {
    const r = run(["--exhaustive", "--scenario", "unmap-direct", "--design", "v3", "--preemptions", "1", "--out", tmp()]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/result: VIOLATION of \S+ with \d+ preemptions?/);
    expect(r.stdout).toMatch(/\d+ switch(es)? from the default schedule/);
    expect(r.stdout).not.toMatch(/\d+ preemptions?\)/);
  });
});

describe("issue 22 item 3: npx tsx cli/main.ts without a build, worker threads included", () => {
  const tsx = (args: string[]): Ran => {
    const r = spawnSync(TSX, [join(ROOT, "cli", "main.ts"), ...args], { encoding: "utf8", cwd: ROOT, env: clean(), timeout: 120_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  test("--exhaustive --workers 2 (the job worker and two search workers) gives a verdict (no exit 3)", () => {
    // One start covers both kinds of worker: the job's (every long mode) and the exhaustive search's.
    const x = tsx(["--exhaustive", "--scenario", "unmap-direct", "--design", "v3-fixed", "--preemptions", "1", "--workers", "2", "--out", tmp()]);
    expect(x.stderr).not.toMatch(/internal error/);
    expect(x.status).toBe(0);
    // And a check's runs on a second thread (checker/search/search_worker.ts, loaded from the sources).
    const c = tsx(["--design", "v3-fixed", "--runs", "300", "--sequences", "0", "--workers", "2", "--out", tmp()]);
    expect(c.stderr).not.toMatch(/internal error/);
    expect(c.stdout).toMatch(/concurrent: 300 runs \(of at most 300\)[^:]*: ok/);
    expect(c.status).toBe(0);
  });
});

describe("issue 23", () => {
  test("point 2: README and --help say what the default run shows; the text and runsToDetection agree", () => {
    const d = run(["--json", "--out", tmp()]);
    expect(d.status).toBe(1);
    const v = JSON.parse(d.stdout).violation;
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const shown = /VIOLATION of (\S+) +\(design v3; (\d+) operations, (\d+) atomic steps, (\d+) switch/.exec(readme);
    expect(shown?.slice(1)).toEqual([v.invariant, String(v.operations), String(v.atomicSteps), String(v.preemptions)]);
    const race = v.invariant === "KERNEL-BUG" ? "F2" : "F1";
    expect(run(["--help"]).stdout).toMatch(new RegExp(`rmapcheck +check the v3 series as specified \\(seed 1 finds race ${race}`));
    const args = ["--mutant", "unmap-invalid-no-skip-check", "--runs", "600", "--sequences", "10"];
    const text = run([...args, "--out", tmp()]).stdout.replace(/\n {2}/g, " ");
    const json = JSON.parse(run([...args, "--json", "--out", tmp()]).stdout);
    const seen = /first seen after (\d+) concurrent runs, run (\d+) counting the (\d+) sequential/.exec(text);
    expect(seen).not.toBeNull();
    expect(Number(seen![2])).toBe(json.runsToDetection);
    expect(Number(seen![1]) + Number(seen![3])).toBe(json.runsToDetection);
  });

  test("point 3: --compare --pages outside the sizes is bad input before anything runs", () => {
    expectUsage(run(["--compare", "--pages", "100"], 10_000), /--pages 100 must be one of the default --sizes 16,64,256,1024,4096/);
    expectUsage(run(["--compare", "--sizes", "16,64"], 10_000), /--pages 1024 \(the default\) must be one of --sizes 16,64/);
  });

  test("`npx rmapcheck`, the command the docs give, runs the built binary (executable after `npm ci`'s build, which tsc alone leaves 0644)", () => {
    const r = spawnSync("npx", ["--no-install", "rmapcheck", "--version"], { encoding: "utf8", cwd: ROOT, env: clean(), timeout: 60_000 });
    expect(r.stderr).not.toMatch(/Permission denied/);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);
  });

  test("point 4: killed under npx (npm and sh die, the checker is re-parented), the run stops as on SIGTERM", async () => {
    // What `npx rmapcheck` builds: npm, then `sh -c`, then node. npm passes
    // SIGTERM to the shell and exits; the shell dies and node is orphaned.
    const out = tmp();
    const npm = `const c = require("child_process").spawn("sh", ["-c", ${JSON.stringify(`"${process.execPath}" "${BIN}" --design v3-fixed --runs 1000000 --sequences 0 --out "${out}"; true`)}], { stdio: "inherit" });
      process.on("SIGTERM", () => { c.kill("SIGTERM"); process.exit(143); });`;
    const child = spawn(process.execPath, ["-e", npm], { cwd: ROOT, env: clean() as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (/concurrent: /.test(stderr)) {
          clearInterval(poll);
          resolve();
        }
      }, 50);
    });
    const sent = Date.now();
    child.kill("SIGTERM");
    // The pipes close when the last writer, the orphaned checker, exits.
    await new Promise<void>((resolve) => child.stderr.on("close", () => resolve()));
    expect(Date.now() - sent).toBeLessThan(5000);
    expect(stderr).toMatch(/interrupted by SIGTERM: no verdict/);
  }, 90_000);

  test("point 4: an interrupted --exhaustive --json prints one JSON object saying so", async () => {
    const child = spawn(process.execPath, [BIN, "--exhaustive", "--scenario", "unmap-two-descs", "--design", "v3-fixed", "--preemptions", "all", "--json", "--out", tmp()], { cwd: ROOT, env: clean() as NodeJS.ProcessEnv });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    // Interrupt once the search runs (its first progress line), not while Node still starts.
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (/\[rmapcheck\] exhaustive: /.test(stderr)) {
          clearInterval(poll);
          resolve();
        }
      }, 50);
    });
    child.kill("SIGINT");
    const status = await new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    expect(status).toBe(130);
    expect(JSON.parse(stdout).interrupted).toBe(true);
    expect(stderr).toMatch(/interrupted by SIGINT/);
  }, 120_000);

  test("point 5: the small holes a script hits", () => {
    const piped = spawnSync("sh", ["-c", `"${process.execPath}" "${BIN}" --help | head -1 >/dev/null; sleep 0.3`], { encoding: "utf8", env: clean() as NodeJS.ProcessEnv });
    expect(piped.stderr).toBe("");
    expectUsage(run(["--help", "--bogus"]), /unknown option '--bogus'.*with --help/);
    expectUsage(run(["-V", "--json"]), /--version prints text; drop --json/);
    expectUsage(run(["--out", ""]), /--out needs a directory/);
    expectUsage(run(["--format", "narrow", "--json"]), /--format does not apply with --json/);
    expectUsage(run(["--merge", "a.json", "--merge", "b.json"]), /--merge given twice/);
    expectUsage(run(["--replay", damaged((f) => (f.trace.threads[1].role = "ioctl"))]), /malformed file .*threads\.1\.role: "ioctl" is also the role of thread 0/);
    expectUsage(run(["--replay", damaged((f) => ([f.trace.threads[0].role, f.trace.threads[1].role] = ["zapper", "ioctl"]))]), /malformed file .*threads\.0\.role: is "zapper"; a sampled run's threads are ioctl, zapper/);
    const del = damaged((f) => {
      f.trace.threads[0].ops = [{ kind: "delete_slot", id: 7 }];
    });
    expectUsage(run(["--replay", del]), /malformed file .*names slot 7, which the configuration does not have and no operation creates/);
  });

  test("point 6: summary lines and --list fit 80 columns; the replay command is one unbroken line", () => {
    for (const subject of ["series", "lockless-aging"]) {
      const l = run(["--list", "--subject", subject]);
      expect(l.stdout.split("\n").filter((x) => x.length > 80)).toEqual([]);
    }
    const out = tmp();
    const r = run(["--mutant", "unmap-invalid-no-skip-check", "--runs", "600", "--sequences", "0", "--format", "narrow", "--out", join(out, "a-rather-long-directory-name-for-counterexamples", "x")]);
    expect(r.stdout.split("\n").filter((x) => x.length > 80 && !/^(npx rmapcheck --replay )?\/\S+$/.test(x))).toEqual([]);
    const lines = r.stdout.split("\n");
    const at = lines.findIndex((x) => x.startsWith("replay:"));
    const cmd = lines[at] === "replay:" ? lines[at + 1]! : lines[at]!.slice("replay: ".length);
    const file = /--replay (\S+\.json)$/.exec(cmd)![1]!;
    expect(JSON.parse(readFileSync(isAbsolute(file) ? file : join(ROOT, file), "utf8")).options.mutant).toBe("unmap-invalid-no-skip-check");
  });

  test("point 7: the SPIN model is in the repository, the scenarios cite it, and pan finds F1 and passes fix F1 on it", () => {
    const pml = join(ROOT, "spin", "v3_unmap.pml");
    expect(readFileSync(pml, "utf8")).toMatch(/Processes[\s\S]*Switches/);
    for (const f of readdirSync(join(ROOT, "scenarios"))) {
      const source: string | undefined = JSON.parse(readFileSync(join(ROOT, "scenarios", f), "utf8")).source;
      if (source === undefined || !/\.pml\b/.test(source)) continue;
      expect(source).toMatch(/^spin\/v3_unmap\.pml CONFIG \d$/);
    }
    expect(readFileSync(join(ROOT, "bench", "spin.ts"), "utf8")).not.toMatch(/shared/);
    if (spawnSync("spin", ["-V"]).status !== 0 || spawnSync("gcc", ["--version"]).status !== 0) {
      console.warn("spin or gcc is not installed: the model is not run here (npm run bench -- spin installs spin)");
      return;
    }
    const pan = (flags: string): string => {
      const dir = tmp();
      writeFileSync(join(dir, "m.pml"), readFileSync(pml));
      const r = spawnSync("sh", ["-c", `spin -DCONFIG=0 ${flags} -a m.pml >/dev/null && gcc -O1 -DSAFETY -o pan pan.c && ./pan -m10000 -w12`], { cwd: dir, encoding: "utf8" });
      return r.stdout;
    };
    expect(pan("")).toMatch(/assertion violated \(*INV_SP_LIVE/);
    expect(pan("-DWAIT_BEFORE_FREE")).toMatch(/errors: 0/);
  });

  test("docs/counterexamples.md's examples are the binary's fresh replays (npm run bench -- counterexamples writes them)", () => {
    const doc = readFileSync(join(ROOT, "docs", "counterexamples.md"), "utf8");
    for (const [name, e] of Object.entries(EXAMPLES) as Array<[ExampleName, (typeof EXAMPLES)[ExampleName]]>) {
      const block = new RegExp(`<!-- cx:${name}:begin -->\n\`\`\`\n([\\s\\S]*?)\n\`\`\`\n<!-- cx:${name}:end -->`).exec(doc);
      expect(block).not.toBeNull();
      const r = run(["--replay", e.file, "--format", e.format]);
      expect(block![1]!.split("\n")).toEqual(excerpt(name, r.stdout));
    }
  });

  test("point 8: exhaustive progress gives an upper bound and the time left", () => {
    const r = run(["--exhaustive", "--scenario", "unmap-two-descs", "--design", "v3-fixed", "--max-executions", "1100", "--out", tmp()]);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/\[rmapcheck\] exhaustive: 1\d{3} executions of at most [\d,]+, \d+ abandoned, \d+ s, at most \d+ (s|min|h) left/);
  });
});

describe("issue 22 item 5: --seeds", () => {
  test("a range: a verdict per seed, the detection rate, rows in --json; bad ranges refused", () => {
    const args = ["--mutant", "unmap-invalid-no-skip-check", "--runs", "200", "--sequences", "0", "--seeds", "1..3"];
    const out = tmp(); // one folder for the run on one thread and on two: the same files, the same report
    const t = run([...args, "--out", out]);
    expect(t.status).toBe(1);
    expect(t.stdout).toMatch(/^seed 1: /m);
    expect(t.stdout).toMatch(/^seed 3: /m);
    expect(t.stdout).toMatch(/^detected on \d of 3 seeds \(\d+%\)$/m);
    const j = JSON.parse(run([...args.slice(0, -1), "1-3", "--json", "--out", tmp()]).stdout);
    expect(j.seeds.map((x: { seed: number }) => x.seed)).toEqual([1, 2, 3]);
    expect(j.of).toBe(3);
    expect(j.detected).toBe(j.seeds.filter((x: { invariant: string | null }) => x.invariant !== null).length);
    expect(t.stdout).toContain(`detected on ${j.detected} of 3 seeds`);
    // On two threads (one set for every seed, checkSeeds): the same report.
    expect(run([...args, "--workers", "2", "--out", out]).stdout).toBe(t.stdout);
    expectUsage(run(["--seeds", "3..1"]), /--seeds.*a <= b/);
    expectUsage(run(["--seeds", "1..2", "--seed", "4"]), /--seed and --seeds cannot be combined/);
  });
});
