/**
 * The speed bench's bookkeeping, on made-up figures and a made-up profile (nothing here is
 * timed): the regression guard warns from 10% down and only against the same CPU model, after
 * measuring a slow figure again and keeping the best of its measurements, the
 * figures it compares with are read back from the text it wrote, and the profile summary
 * counts a part once per sample, inclusively, with "self:" parts on the innermost frame only.
 */
import { summarise } from "../bench/profile";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compareFigures, type GuardedSource, guardFigures, historyAfter, median, phaseRows, previousFigures, recordOf, type Rusage, sameSummary, type SpeedFigures, threadSplit, workersRows } from "../bench/speed";
import { benchChain, benchPhases } from "../checker/jobs/stepping";
import { resolveVariant } from "../checker/variants";

const base: SpeedFigures = {
  cpu: "CPU A",
  node: "v20",
  date: "2026-01-01",
  load: "1, 1, 1 before, 1, 1, 1 after",
  bareStepsPerCpuS: 1_000_000,
  checkedStepsPerCpuS: 500_000,
  fullStepsPerCpuS: 200_000,
  e2eRunsPerCpuS: 2000,
  e2eRunsPerWallS: 1500,
  e2eCpuS: 10,
  e2eWallS: 12,
  e2eRssMB: 150,
  exhaustiveExecutions: 44438,
  exhaustiveExecPerCpuS: 1500,
  exhaustiveCpuS: 30,
  exhaustiveRssMB: 170,
  sampledRunsPerCpuS: 1200,
};

describe("speed bench: the regression guard", () => {
  test("a figure 10% or less below the previous run passes; more than 10% below warns, naming it", () => {
    const now = { ...base, bareStepsPerCpuS: 910_000, checkedStepsPerCpuS: 440_000, e2eRunsPerCpuS: 2500 };
    const c = compareFigures(now, base);
    expect(c.comparable).toBe(true);
    expect(c.warnings).toHaveLength(1);
    expect(c.warnings[0]).toMatch(/^WARNING: checked stepping, incremental .* is 12% slower than the previous run/);
    expect(c.rows.find((r) => r.includes("bare stepping"))).toContain("-9%");
    expect(c.rows.find((r) => r.includes("runs per CPU-second"))).toContain("+25%");
  });

  test("another CPU model is not compared", () => {
    const c = compareFigures({ ...base, cpu: "CPU B", bareStepsPerCpuS: 1 }, base);
    expect(c.comparable).toBe(false);
    expect(c.warnings).toEqual([]);
    expect(c.rows.every((r) => r.endsWith("| - | - |"))).toBe(true);
  });

  test("no previous run: nothing compared", () => {
    expect(compareFigures(base, null).warnings).toEqual([]);
    expect(previousFigures("no figures here")).toBeNull();
  });

  test("the baseline is the median of the last runs on the same CPU: one fast run does not set the bar", () => {
    // The previous run measured unusually fast; the four before it did not.
    const older = [1700, 1650, 1800, 1750].map((e2eRunsPerCpuS, i) => recordOf({ ...base, date: `2025-12-0${i + 1}`, e2eRunsPerCpuS }));
    const prev: SpeedFigures = { ...base, e2eRunsPerCpuS: 2200, date: "2025-12-09", history: older };
    const now = { ...base, e2eRunsPerCpuS: 1650 };
    const c = compareFigures(now, prev);
    expect(c.runs.map((r) => r.date)).toEqual(["2025-12-09", "2025-12-01", "2025-12-02", "2025-12-03", "2025-12-04"]);
    // Median of 2200, 1700, 1650, 1800, 1750: 1750; 1650 is 6% below it, no warning (against 2200 alone it would be 25%).
    expect(c.warnings).toEqual([]);
    expect(c.rows.find((r) => r.includes("runs per CPU-second"))).toContain("| 1,650 | 1,750 | -6% |");
    // A regression below the median still warns, and names the baseline.
    const slow = compareFigures({ ...now, e2eRunsPerCpuS: 1500 }, prev);
    expect(slow.warnings).toEqual(["WARNING: `rmapcheck --design v3-fixed --runs 20000` (runs per CPU-second) is 14% slower than the median of the last 5 runs (1,500 against 1,750)"]);
  });

  test("the history keeps the last five runs, newest first; runs on another CPU are kept but not compared", () => {
    const a = historyAfter({ ...base, date: "d1" });
    expect(a.map((r) => r.date)).toEqual(["d1"]);
    let prev: SpeedFigures = { ...base, date: "d1" };
    for (const d of ["d2", "d3", "d4", "d5", "d6", "d7"]) prev = { ...base, date: d, history: historyAfter(prev) };
    expect(historyAfter(prev).map((r) => r.date)).toEqual(["d7", "d6", "d5", "d4", "d3"]);
    const mixed: SpeedFigures = { ...base, date: "new", history: [recordOf({ ...base, cpu: "CPU B", date: "other", bareStepsPerCpuS: 1 })] };
    expect(compareFigures(base, mixed).runs.map((r) => r.date)).toEqual(["new"]);
    // What a record keeps: where and when, and the guarded figures only.
    expect(Object.keys(recordOf(base)).sort()).toEqual(["bareStepsPerCpuS", "checkedStepsPerCpuS", "cpu", "date", "e2eRunsPerCpuS", "exhaustiveExecPerCpuS", "fullStepsPerCpuS", "load"]);
  });

  test("a slow figure names its measurement, so that the guard can make it again", () => {
    expect(compareFigures({ ...base, fullStepsPerCpuS: 100_000, exhaustiveExecPerCpuS: 1000 }, base).slow).toEqual(["stepping", "exhaustive"]);
    expect(compareFigures(base, base).slow).toEqual([]);
  });

  test("the figures are read back from the comment the part writes", () => {
    const text = `## Speed\n\n<!-- speed-figures: ${JSON.stringify(base)} -->\n`;
    expect(previousFigures(text)).toEqual(base);
  });
});

describe("speed bench: the guard measures a slow figure again", () => {
  /** `again` answering from a list, recording what it was asked. */
  const answers = (list: Array<Partial<SpeedFigures>>) => {
    const asked: GuardedSource[] = [];
    return { asked, again: (src: GuardedSource) => (asked.push(src), list[asked.length - 1]!) };
  };

  test("a slowdown that goes away: measured again, the best kept, no warning, the row says how many measurements", () => {
    const now = { ...base, checkedStepsPerCpuS: 400_000 };
    const a = answers([{ bareStepsPerCpuS: 900_000, checkedStepsPerCpuS: 495_000, fullStepsPerCpuS: 210_000 }]);
    const g = guardFigures(now, base, a.again);
    expect(a.asked).toEqual(["stepping"]);
    expect(g.comparison.warnings).toEqual([]);
    // The best of each stepping figure: the first measurement's bare, the second's checked and full.
    expect(g.figures.bareStepsPerCpuS).toBe(1_000_000);
    expect(g.figures.checkedStepsPerCpuS).toBe(495_000);
    expect(g.figures.fullStepsPerCpuS).toBe(210_000);
    expect(g.figures.measured).toEqual({ stepping: 2 });
    expect(g.comparison.rows.find((r) => r.includes("checked stepping, incremental"))).toMatch(/the best of 2 measurements \| 495,000 \| 500,000 \| -1% \|$/);
    expect(g.comparison.rows.find((r) => r.includes("runs per CPU-second"))).not.toContain("best of");
  });

  test("a regression: slow in every measurement, three in all, then the warning says so", () => {
    const now = { ...base, e2eRunsPerCpuS: 1500, e2eCpuS: 13.3 };
    const a = answers([
      { e2eRunsPerCpuS: 1600, e2eRunsPerWallS: 1700, e2eCpuS: 12.5, e2eWallS: 11.8, e2eRssMB: 140 },
      { e2eRunsPerCpuS: 1550, e2eRunsPerWallS: 1650, e2eCpuS: 12.9, e2eWallS: 12.1, e2eRssMB: 141 },
    ]);
    const g = guardFigures(now, base, a.again);
    expect(a.asked).toEqual(["e2e", "e2e"]);
    expect(g.comparison.warnings).toHaveLength(1);
    expect(g.comparison.warnings[0]).toMatch(/is 20% slower than the previous run \(2026-01-01\) in the best of 3 measurements \(1,600 against 2,000\)/);
    // A command's best run is kept whole: its CPU and wall seconds and memory with its rate.
    expect([g.figures.e2eCpuS, g.figures.e2eWallS, g.figures.e2eRssMB]).toEqual([12.5, 11.8, 140]);
    expect(g.figures.measured).toEqual({ e2e: 3 });
  });

  test("nothing is measured again when no figure is slow, when there is no previous run, or on another CPU", () => {
    for (const [now, prev] of [[{ ...base, bareStepsPerCpuS: 905_000 }, base], [base, null], [{ ...base, cpu: "CPU B", bareStepsPerCpuS: 1 }, base]] as const) {
      const a = answers([]);
      const g = guardFigures(now, prev, a.again);
      expect(a.asked).toEqual([]);
      expect(g.figures.measured).toBeUndefined();
    }
  });
});

describe("speed bench: the concurrent runs in parts", () => {
  const round = (generateS: number, runS: number, threadS?: number) => ({ runs: 20000, generateS, runS, interleavedS: runS / 2, steps: 1_700_000, ...(threadS === undefined ? {} : { threadS }) });

  test("with the checking thread's CPU time, the cold round's extra is split between it and V8's helper threads", () => {
    const rows = phaseRows({ ...base, phases: { cold: round(2, 8, 7), warm: round(1.5, 5.5, 6) } });
    expect(rows).toContain("| all three: on the checking thread / on V8's helper threads (optimising compiler, garbage collector) | 7.00 / 3.00 | 6.00 / 1.00 |");
    expect(rows.join("\n")).toContain("pays the cold round's extra 3.00 CPU seconds (the JIT compiling the code as it gets hot) once: 1.00 of them on the checking thread (code not yet optimised), 2.00 on V8's helper threads (the optimising compiler at work).");
  });

  test("without it (an older tree, or no /proc), no split is claimed", () => {
    const rows = phaseRows({ ...base, phases: { cold: round(2, 8), warm: round(1.5, 5.5) } }).join("\n");
    expect(rows).not.toContain("checking thread");
    expect(rows).toContain("extra 3.00 CPU seconds (the JIT compiling the code as it gets hot) once.");
  });

  test("benchPhases reads the thread clock around each round, and claims nothing without one", () => {
    const variant = resolveVariant("v3-fixed", null);
    let t = 0;
    const rounds = benchPhases(variant, 5, 1, () => (t += 1));
    expect(rounds.map((r) => r.threadS)).toEqual([1, 1]);
    expect(benchPhases(variant, 5, 1, () => null).every((r) => r.threadS === undefined)).toBe(true);
  });
});

describe("speed bench: the threads table", () => {
  test("two --json outputs are the same when only their wall-clock timing differs, a check's or a catalogue row's", () => {
    expect(sameSummary({ ok: true, runs: 5, timing: { elapsedMs: 1 } }, { ok: true, runs: 5, timing: { elapsedMs: 2 } })).toBe(true);
    expect(sameSummary({ ok: true, runs: 5, timing: 1 }, { ok: true, runs: 6, timing: 1 })).toBe(false);
    const row = (runs: number, ms: number) => ({ name: "m", runs, timing: { ms } });
    expect(sameSummary({ subject: "series", rows: [row(3, 10)] }, { subject: "series", rows: [row(3, 99)] })).toBe(true);
    expect(sameSummary({ subject: "series", rows: [row(3, 10)] }, { subject: "series", rows: [row(4, 10)] })).toBe(false);
  });

  test("a row per command: wall seconds, their ratio, CPU seconds, and a different output flagged", () => {
    const rows = workersRows({ ...base, workers: [{ command: "--mutants", one: { wallS: 10, cpuS: 11, rssMB: 120.4 }, two: { wallS: 6.25, cpuS: 13, rssMB: 190.6 }, same: true }, { command: "--runs 5", one: { wallS: 1, cpuS: 1 }, two: { wallS: 1, cpuS: 1 }, same: false }] }, 2);
    expect(rows).toContain("| `--mutants` | 10.00 | 6.25 | 1.60x | 11.00 | 13.00 | 120 / 191 | yes |");
    expect(rows).toContain("| `--runs 5` | 1.00 | 1.00 | 1.00x | 1.00 | 1.00 | - | **no** |");
    expect(workersRows(base)).toEqual([]);
  });
});

describe("speed bench: the profile summary", () => {
  // main -> runThreads -> advance -> kernel (leaf); main -> (garbage collector); main -> wrapSafe (leaf).
  const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({ id, callFrame: { functionName, url }, children });
  const profile = {
    nodes: [
      frame(1, "(root)", "", [2, 6, 7]),
      frame(2, "main", "file:///x/dist/cli/main.js", [3, 8]),
      frame(3, "runThreads", "file:///x/dist/runtime/run.js", [4]),
      frame(4, "advance", "file:///x/dist/runtime/machine.js", [5]),
      frame(5, "kvm_mmu_page_fault", "file:///x/dist/impl/page_fault.js"),
      frame(6, "(garbage collector)", ""),
      frame(7, "(idle)", ""),
      frame(8, "wrapSafe", "node:internal/modules/cjs/loader"),
    ],
    samples: [5, 5, 6, 7, 8, 3],
    timeDeltas: [1000, 1000, 1000, 5000, 1000, 1000],
  };

  test("inclusive shares of the non-idle samples", () => {
    const s = summarise(profile);
    expect(s.totalMs).toBe(5);
    const share = (label: RegExp) => s.shares[s.labels.findIndex((l) => label.test(l))];
    expect(share(/^the interleaved phase/)).toBeCloseTo(3 / 5);
    expect(share(/resuming the threads/)).toBeCloseTo(2 / 5);
    expect(share(/^garbage collection/)).toBeCloseTo(1 / 5);
    expect(share(/^loading and compiling modules/)).toBeCloseTo(1 / 5);
    expect(share(/^generating traces/)).toBe(0);
  });
});

describe("speed bench: the generator chains", () => {
  test("the frames live when a step is made are counted: on average at least two (a runner and the kernel function that yields)", () => {
    const variant = resolveVariant("v3-fixed", null);
    const c = benchChain(variant, 20, 1, 1000);
    expect(c.steps).toBeGreaterThan(100);
    // An operation's steps have implOp and the kernel function that yields live; impl/ nests deeper on most steps.
    expect(c.framesPerStep).toBeGreaterThanOrEqual(2);
    expect(c.framesPerStep).toBeLessThan(20);
  });
});

describe("speed bench: the side-by-side medians", () => {
  test("the middle figure of an odd count, the mean of the middle two of an even count, whatever the order", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([10, 1, 4, 3])).toBe(3.5);
    expect(median([7])).toBe(7);
  });
});

describe("speed bench: CPU time by thread (bench/rusage.cjs)", () => {
  test("a worker's CPU time is what the threads alive at exit do not account for; without /proc, no split", () => {
    const use: Rusage = { maxRssMB: 100, cpuS: 10, wallS: 8, mainCpuS: 1.5, helperCpuS: 2 };
    expect(threadSplit(use)).toEqual({ workerCpuS: 6.5, mainCpuS: 1.5, helperCpuS: 2 });
    expect(threadSplit({ maxRssMB: 100, cpuS: 10, wallS: 8 })).toBeUndefined();
  });

  const linux = process.platform === "linux" ? test : test.skip;
  linux("a process that burns CPU on a worker thread: the split finds it on the worker", () => {
    const dir = mkdtempSync(join(tmpdir(), "rmapcheck-rusage-"));
    try {
      const file = join(dir, "rusage.json");
      // A fixed amount of work on a worker thread (a few tenths of a CPU-second), next to nothing on the main thread.
      const burn = "const { Worker } = require('node:worker_threads'); new Worker('let x = 0; for (let i = 0; i < 3e8; i++) x += i & 1; if (x < 0) console.log(x);', { eval: true });";
      const r = spawnSync(process.execPath, ["--require", join(__dirname, "..", "bench", "rusage.cjs"), "-e", burn], { env: { ...process.env, RMAPCHECK_RUSAGE: file }, encoding: "utf8" });
      expect(r.status).toBe(0);
      const use = JSON.parse(readFileSync(file, "utf8")) as Rusage;
      const split = threadSplit(use)!;
      expect(split.workerCpuS).toBeGreaterThan(0.1);
      expect(split.workerCpuS).toBeGreaterThan(split.mainCpuS);
      expect(split.workerCpuS).toBeGreaterThan(split.helperCpuS);
      expect(split.mainCpuS).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
