/**
 * The sampled search on several threads (--workers N, checker/search/
 * search_pool.ts) gives the result of one thread: the same verdict, the same
 * counterexample, the same statistics (runs, atomic steps, invariant checks,
 * runs to detection), on both subjects, with violations found in the first
 * slice, in a later one, and never. Its parts are checked on their own: a
 * slice of the generated runs is those runs (run_stream.ts), the slices
 * cover the runs once, and the answer is refused when a report is missing.
 */
import { Interrupted } from "../checker/interrupted";
import { explore, type ExploreOptions, type ExploreResult, type SampledSettings, sampledRun, type SchedulerName } from "../checker/search/explore";
import { firstFailing } from "../checker/search/run_stream";
import { check, checkSeeds, type Summary } from "../checker/jobs/check";
import type { Worker } from "node:worker_threads";
import { answer, type PoolSearch, SearchPool } from "../checker/search/search_pool";
import { type SliceReport, slices } from "../checker/search/slice";
import { DEFAULT_BUDGET } from "../checker/search/trace";
import type { GeneratedRun, Variant } from "../checker/subject";
import { listing, resolveSubject, resolveVariant, SUBJECTS } from "../checker/variants";

/** What a search result says, wall-clock time left out. */
const said = (r: ExploreResult) => ({ ...r, msToDetection: r.msToDetection === null ? null : "measured" });

describe("run_stream: run i of a seed is the same generated run read from 0 or from i", () => {
  for (const subject of SUBJECTS) {
    test(`${subject.name}: every slice of runs 0..59 of seed 3 equals those runs read from 0`, () => {
      const v = resolveVariant(null, null, subject);
      const read = (start: number, count: number): string[] => {
        const out: string[] = [];
        firstFailing(v, 3, start, count, (g: GeneratedRun, index: number) => {
          out.push(`${index} ${JSON.stringify(g)}`);
          return true;
        });
        return out;
      };
      const all = read(0, 60);
      expect(all).toHaveLength(60);
      expect(new Set(all.map((x) => x.slice(x.indexOf(" ")))).size).toBeGreaterThan(50); // not one run repeated
      for (const [start, count] of [[1, 1], [16, 32], [37, 23], [59, 1]] as const) expect(read(start, count)).toEqual(all.slice(start, start + count));
    });
  }

  test("the first failing run is returned with its index, and an error in a run is thrown, never taken for a pass or a failure", () => {
    const v = resolveVariant(null, null);
    expect(firstFailing(v, 1, 10, 20, (_g, i) => i !== 17)?.index).toBe(17);
    expect(firstFailing(v, 1, 10, 5, () => true)).toBeNull();
    expect(() =>
      firstFailing(v, 1, 0, 5, () => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(() =>
      firstFailing(v, 1, 0, 5, () => {
        throw new Interrupted();
      }),
    ).toThrow(Interrupted);
  });
});

describe("slices and the answer", () => {
  test("for every run count up to 300 and a few large ones, and 1 to 8 threads, the slices cover the runs once, in order, 16 runs first", () => {
    const wrong: string[] = [];
    for (const n of [...Array.from({ length: 301 }, (_, i) => i), 5000, 20000, 123457]) {
      for (let threads = 1; threads <= 8; threads++) {
        const s = slices(n, threads);
        const cap = Math.max(16, Math.ceil(n / (8 * threads)));
        let next = 0;
        for (const x of s) {
          if (x.start !== next || x.count <= 0 || x.count > cap) wrong.push(`${n}/${threads}: ${JSON.stringify(x)} after ${next}`);
          next += x.count;
        }
        if (next !== n) wrong.push(`${n}/${threads}: covers ${next}`);
        if (n > 0 && s[0]!.count !== Math.min(16, n)) wrong.push(`${n}/${threads}: first slice ${s[0]!.count}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  const slice = (start: number, count: number, o: Partial<SliceReport> = {}): SliceReport => ({ start, count, ran: count, failedAt: null, steps: 10 * count, checks: 20 * count, halted: false, error: null, ...o });

  test("no violation: the sums of every slice; a violation: the lowest failing index, and only the runs up to it", () => {
    expect(answer([slice(16, 32), slice(0, 16), slice(48, 2)], 50)).toEqual({ interrupted: false, failedAt: null, runs: 50, steps: 500, checks: 1000 });
    // Slice 16..47 fails at 20 (5 runs done); slice 48.. fails too, later, and is dropped; so is the halted one.
    const reports = [slice(0, 16), slice(16, 32, { ran: 5, failedAt: 20, steps: 7, checks: 9 }), slice(48, 64, { ran: 3, failedAt: 50 }), slice(112, 64, { ran: 1, halted: true })];
    expect(answer(reports, 500)).toEqual({ interrupted: false, failedAt: 20, runs: 21, steps: 167, checks: 329 });
  });

  test("a missing slice, or one stopped before the answer, is an error, never a verdict", () => {
    expect(() => answer([slice(0, 16), slice(32, 16)], 48)).toThrow("not reported");
    expect(() => answer([slice(0, 16), slice(16, 16, { ran: 3, halted: true })], 32)).toThrow("stopped at run 19");
    expect(() => answer([slice(0, 16)], 32)).toThrow("not reported");
  });
});

/** explore on one thread and on `workers`, with the same options. */
function both(o: Omit<ExploreOptions, "workers">, workers = 2): [ExploreResult, ExploreResult] {
  return [explore(o), explore({ ...o, workers })];
}

describe("explore on several threads gives the result of one", () => {
  // Runs to detection on one thread (seed 1, PCT): early ones fall in the first slice (16 runs), later ones in a worker's.
  const MUTANTS: Array<{ subject: string; mutant: string; tso?: boolean; scheduler?: SchedulerName }> = [
    { subject: "series", mutant: "leaf-clear-no-track" }, // run 1
    { subject: "series", mutant: "fault-ignores-invalid-slot" }, // run 73
    { subject: "series", mutant: "unmapper-does-not-publish", scheduler: "random" },
    { subject: "series", mutant: "set-pte-keeps-writable", tso: true },
    { subject: "lockless-aging", mutant: "writer-unlocks-early" }, // run 2
    { subject: "lockless-aging", mutant: "readonly-unlock-rechecks-val" }, // run 182
  ];
  for (const m of MUTANTS) {
    test(`${m.subject} ${m.mutant} (${m.scheduler ?? "pct"}${m.tso ? ", x86-TSO" : ""}): the same counterexample, runs to detection and statistics on 2 threads`, () => {
      const v = resolveVariant(null, m.mutant, resolveSubject(m.subject));
      const [one, two] = both({ variant: v, seed: 1, runs: 1500, scheduler: m.scheduler ?? "pct", tso: m.tso ?? v.needsTso });
      expect(one.counterexample).not.toBeNull();
      expect(said(two)).toEqual(said(one));
    });
  }

  test("a violation past the first slices on 3 threads (series age-plain-clear, about run 900): the same result", () => {
    const [one, three] = both({ variant: resolveVariant(null, "age-plain-clear"), seed: 1, runs: 1500, scheduler: "pct", candidates: 1 }, 3);
    expect(one.runsToDetection).toBeGreaterThan(500);
    expect(said(three)).toEqual(said(one));
  });

});

/** A search's answer counted on this thread: the first failing run of seed's runs 0..runs-1, and the runs, steps and checks up to it. */
function onThisThread(v: Variant, settings: SampledSettings, seed: number, runs: number): PoolSearch {
  const out: PoolSearch = { interrupted: false, failedAt: null, runs: 0, steps: 0, checks: 0 };
  out.failedAt =
    firstFailing(v, seed, 0, runs, (g) => {
      const r = sampledRun(v, settings, g);
      out.runs++;
      out.steps += r.result.steps;
      out.checks += r.checker.checks;
      return r.result.violation === null;
    })?.index ?? null;
  return out;
}

/** The same search with every run on a worker thread (threads - 1 of them); the pool's slices run by workers come back too. */
function onWorkersOnly(v: Variant, settings: SampledSettings, seed: number, runs: number, threads: number): { p: PoolSearch; slices: number } {
  const pool = new SearchPool(v, settings, threads, false);
  try {
    return { p: pool.search(seed, runs, () => false, () => undefined), slices: pool.slicesOnWorkers };
  } finally {
    pool.close();
  }
}

describe("the pool's workers alone compute what one thread does", () => {
  // The correct designs pass on worker threads, in each scheduler and memory model, with the statistics of one thread.
  const CORRECT = SUBJECTS.flatMap((subject) => listing(subject).designs.filter((d) => d.knownRace === null).map((d) => ({ subject, design: d.name })));
  const MODES = [{ scheduler: "pct", tso: false }, { scheduler: "random", tso: true }, { scheduler: "preemptions", tso: false }] as const;
  for (const { subject, design } of CORRECT) {
    test(`${subject.name} ${design} passes on 2 worker threads under PCT (SC), random (x86-TSO) and the trace's preemptions, counting what one thread counts`, () => {
      for (const mode of MODES) {
        const settings: SampledSettings = { ...mode, depth: 3, budget: DEFAULT_BUDGET, full: false };
        const v = resolveVariant(design, null, subject);
        const one = onThisThread(v, settings, 5, 150);
        expect(one).toEqual({ interrupted: false, failedAt: null, runs: 150, steps: expect.any(Number), checks: expect.any(Number) });
        const { p, slices: ran } = onWorkersOnly(v, settings, 5, 150, 3);
        expect(p).toEqual(one);
        expect(ran).toBe(slices(150, 2).length);
      }
    });
  }

  test("a violation past the first slices (series age-plain-clear, about run 900) on 3 workers: the first failing run and its counts", () => {
    const v = resolveVariant(null, "age-plain-clear");
    const settings: SampledSettings = { scheduler: "pct", depth: 3, budget: DEFAULT_BUDGET, tso: false, full: false };
    const one = onThisThread(v, settings, 1, 1500);
    expect(one.failedAt).toBeGreaterThan(500);
    const { p, slices: ran } = onWorkersOnly(v, settings, 1, 1500, 4);
    expect(p).toEqual(one);
    expect(ran).toBeGreaterThan(3);
  });
});

describe("checkSeeds: the seeds of --seeds share one set of threads", () => {
  test("--seeds with 2 threads: one pool for every seed, and each seed's summary is the one thread's", () => {
    const variant = resolveVariant("v3", null);
    const base = { variant, runs: 400, sequences: 3, scheduler: "pct" as const, depth: 3, tso: false };
    const pools = jest.spyOn(SearchPool.prototype, "close"); // calls through: one close per pool started
    const two: Summary[] = [];
    try {
      checkSeeds({ ...base, workers: 2 }, [1, 2, 3], () => ({}), (_seed, out) => two.push(out.summary));
      expect(pools).toHaveBeenCalledTimes(1);
    } finally {
      pools.mockRestore();
    }
    const one = [1, 2, 3].map((seed) => check({ ...base, seed }).summary);
    const untimed = (s: Summary) => ({ ...s, timing: null });
    expect(two.map(untimed)).toEqual(one.map(untimed));
    expect(one.some((s) => s.violation !== null)).toBe(true); // v3's races: counterexamples compared too
  });

  test("a seed whose sequential phase fails drops the search its threads began; the next seed's is whole", () => {
    // normal-remove-writes-skip fails in the sequential phase: the concurrent search begun with it is abandoned.
    const variant = resolveVariant(null, "normal-remove-writes-skip");
    const base = { variant, runs: 300, sequences: 20, scheduler: "pct" as const, depth: 3, tso: false };
    const two: Summary[] = [];
    checkSeeds({ ...base, workers: 2 }, [1, 2], () => ({}), (_seed, out) => two.push(out.summary));
    const one = [1, 2].map((seed) => check({ ...base, seed }).summary);
    expect(one[0]!.violation?.phase).toBe("sequential");
    const untimed = (s: Summary) => ({ ...s, timing: null });
    expect(two.map(untimed)).toEqual(one.map(untimed));
  });

  test("a search begun and joined, begun and replaced, or begun for another seed: each gives the one-thread answer", () => {
    const v = resolveVariant(null, "age-plain-clear");
    const settings: SampledSettings = { scheduler: "pct", depth: 3, budget: DEFAULT_BUDGET, tso: false, full: false };
    const [a, b] = [onThisThread(v, settings, 1, 1200), onThisThread(v, settings, 2, 1200)];
    const pool = new SearchPool(v, settings, 2);
    const join = (seed: number) => pool.search(seed, 1200, () => false, () => undefined);
    try {
      pool.begin(1, 1200);
      expect(join(1)).toEqual(a); // joined
      pool.begin(1, 1200);
      pool.begin(2, 1200); // the first abandoned, the second joined
      expect(join(2)).toEqual(b);
      pool.begin(2, 1200);
      expect(join(1)).toEqual(a); // begun for seed 2, searched for seed 1
      expect(join(2)).toEqual(b); // nothing begun
    } finally {
      pool.close();
    }
  });

  test("a pool started for other settings is refused, never used", () => {
    const v = resolveVariant("v3-fixed", null);
    const pool = new SearchPool(v, { scheduler: "pct", depth: 3, budget: DEFAULT_BUDGET, tso: true, full: false }, 2);
    try {
      expect(() => explore({ variant: v, seed: 1, runs: 10, scheduler: "pct", pool })).toThrow("another variant, other settings");
      expect(() => explore({ variant: v, seed: 1, runs: 10, scheduler: "pct", tso: true, workers: 3, pool })).toThrow("another number of threads");
    } finally {
      pool.close();
    }
  });
});

describe("explore on several threads: interrupts and failures", () => {
  test("an interrupt stops every thread and reports no verdict", () => {
    let polls = 0;
    const r = explore({ variant: resolveVariant("v3-fixed", null), seed: 1, runs: 100000, scheduler: "pct", workers: 2, interrupted: () => ++polls > 40 });
    expect(r.interrupted).toBe(true);
    expect(r.counterexample).toBeNull();
    expect(r.runs).toBeGreaterThan(0); // what was checked before the stop, counted
    expect(r.runs).toBeLessThan(100000);
  });

  test("a worker that cannot resolve the variant fails the search with an error, never a pass (and never hangs)", () => {
    const v = resolveVariant("v3-fixed", null);
    const unknown = { ...v, design: { ...v.design, name: "no-such-design" } };
    // A budget of a million runs: the error ends the search at once, not after the budget.
    expect(() => explore({ variant: unknown, seed: 1, runs: 1_000_000, scheduler: "pct", workers: 2 })).toThrow(/a search thread failed: .*no-such-design/);
  });

  test("a worker thread that died without a report: once nothing moved for the stall time, the search and a search's abandonment throw, never a pass and never a hang", async () => {
    const v = resolveVariant("v3-fixed", null);
    const settings: SampledSettings = { scheduler: "pct", depth: 3, budget: DEFAULT_BUDGET, tso: false, full: false };
    /** The pool's first worker, stopped as a crash would stop it: no report, no idle message. */
    const kill = (pool: SearchPool) => (pool as unknown as { workers: Array<{ worker: Worker }> }).workers[0]!.worker.terminate();
    const stalled = /search pool: no run done and no report from 1 worker thread in 2 s; a worker thread died \(out of memory\?\) or hangs/;
    // The caller runs every slice, then waits for the dead worker; or the caller only collects, and nothing runs.
    for (const callerRuns of [true, false]) {
      const pool = new SearchPool(v, settings, 2, callerRuns, 1500);
      try {
        await kill(pool);
        expect(() => pool.search(1, 200, () => false, () => undefined)).toThrow(stalled);
      } finally {
        pool.close();
      }
    }
    // A search begun and replaced: the wait for the dead worker to go idle.
    const pool = new SearchPool(v, settings, 2, true, 1500);
    try {
      await kill(pool);
      pool.begin(1, 200);
      expect(() => pool.begin(2, 200)).toThrow(stalled);
    } finally {
      pool.close();
    }
  });

  test("workers must be a positive integer, and observers run on one thread only", () => {
    const v = resolveVariant("v3-fixed", null);
    expect(() => explore({ variant: v, seed: 1, runs: 10, scheduler: "pct", workers: 0 })).toThrow("positive integer");
    expect(() => explore({ variant: v, seed: 1, runs: 10, scheduler: "pct", workers: 2, observe: () => [] })).toThrow("this thread only");
  });
});
