/**
 * The interleaving engine on its own: blocking, deadlock and livelock
 * detection, determinism of the schedulers, and that any run written as
 * "default plus preemptions" replays to the same steps.
 */
import { SMALL_CONFIG } from "../impl/config";
import { Kvm } from "../impl/kvm";
import { defaultSymbols } from "../impl/symbols";
import { Machine } from "../runtime/machine";
import { runThreads } from "../runtime/run";
import { PctScheduler } from "../runtime/schedulers/pct";
import { PreemptiveScheduler } from "../runtime/schedulers/preemptive";
import { RandomScheduler } from "../runtime/schedulers/random";
import { ReplayDivergence, ReplayScheduler } from "../runtime/schedulers/replay";
import { type KGen, load, spinLock, spinUnlock, waitWhile } from "../runtime/step";
import { Thread } from "../runtime/thread";
import { explore } from "./explore";
import { runArb } from "./concurrent_arbitraries";
import { runTrace } from "./trace";
import fc from "fast-check";

function machine(ops: Array<() => KGen<unknown>>): Machine {
  const kvm = new Kvm(SMALL_CONFIG, defaultSymbols);
  const threads = ops.map((start, i) => new Thread(i, `T${i}`, [{ text: `op${i}`, start }]));
  return new Machine(kvm, threads);
}

describe("runtime", () => {
  test("a thread waiting for mmu_lock is not runnable, and lock order is respected", () => {
    const order: number[] = [];
    function* locker(id: number): KGen<void> {
      yield spinLock("lock");
      order.push(id);
      yield spinUnlock("unlock");
    }
    const m = machine([() => locker(0), () => locker(1)]);
    const r = runThreads(m, new PreemptiveScheduler([{ thread: 0, after: 1, to: 1 }]), 100, () => {});
    expect(r.violation).toBeNull();
    expect(order).toEqual([0, 1]);
  });

  test("no runnable thread while some are not done is a DEADLOCK", () => {
    function* forever(m: () => Machine): KGen<void> {
      const a = m().kvm.addr;
      yield waitWhile(a, "kvm", 0, "spin while *kvm == 0");
    }
    let mm: Machine;
    mm = machine([() => forever(() => mm)]);
    const r = runThreads(mm, new PreemptiveScheduler([]), 100, () => {});
    expect(r.violation?.invariant).toBe("DEADLOCK");
  });

  test("a run that exceeds its step budget is a LIVELOCK, not a hang", () => {
    function* loop(m: () => Machine): KGen<void> {
      for (;;) yield load(m().kvm.addr, "kvm", "load");
    }
    let mm: Machine;
    mm = machine([() => loop(() => mm)]);
    const r = runThreads(mm, new PreemptiveScheduler([]), 50, () => {});
    expect(r.violation?.invariant).toBe("LIVELOCK");
  });

  test("releasing mmu_lock without holding it is INV-LOCK", () => {
    function* bad(): KGen<void> {
      yield spinUnlock("spin_unlock without lock");
    }
    const r = runThreads(machine([() => bad()]), new PreemptiveScheduler([]), 10, () => {});
    expect(r.violation?.invariant).toBe("INV-LOCK");
  });

  test("the same seed gives the same PCT and random schedules", () => {
    fc.assert(
      fc.property(runArb("v3-fixed"), (g) => {
        for (const mk of [() => new PctScheduler(g.seed, 5, 3, 160), () => new RandomScheduler(g.seed)]) {
          const a = runTrace(g.trace, { scheduler: mk() }).result;
          const b = runTrace(g.trace, { scheduler: mk() }).result;
          expect(b.trace).toEqual(a.trace);
        }
      }),
      { numRuns: 100, seed: 3 },
    );
  });

  test("any run, written as default plus preemptions, replays to the same steps", () => {
    fc.assert(
      fc.property(runArb("v3"), (g) => {
        const a = runTrace(g.trace, { scheduler: new RandomScheduler(g.seed) }).result;
        const b = runTrace({ ...g.trace, preemptions: a.preemptions }).result;
        expect(b.trace).toEqual(a.trace);
        expect(b.violation?.invariant).toBe(a.violation?.invariant);
      }),
      { numRuns: 200, seed: 4 },
    );
  });

  test("replay stops with a clear message when a label no longer matches", () => {
    const g = fc.sample(runArb("v3-fixed"), { seed: 5, numRuns: 1 })[0]!;
    const a = runTrace(g.trace, { scheduler: new RandomScheduler(1) }).result;
    const bad = a.trace.map((s, i) => (i === 2 ? { ...s, label: "changed label" } : s));
    expect(a.trace.length).toBeGreaterThan(2);
    expect(() => runTrace(g.trace, { scheduler: new ReplayScheduler(bad) })).toThrow(ReplayDivergence);
  });

  test("the incremental checker finds what the full checker finds", () => {
    for (const design of ["v3", "v3-no-handshake", "v3-fixed"]) {
      fc.assert(
        fc.property(runArb(design), (g) => {
          const inc = runTrace(g.trace, { scheduler: new PctScheduler(g.seed, 5, 3, 160) }).result;
          const full = runTrace(g.trace, { scheduler: new PctScheduler(g.seed, 5, 3, 160), full: true }).result;
          if (full.violation !== null) {
            expect(inc.violation).not.toBeNull();
            expect(inc.trace.length).toBeLessThanOrEqual(full.trace.length);
          }
        }),
        { numRuns: 300, seed: 6 },
      );
    }
  });

  test("explore reports what it checked", () => {
    const r = explore({ design: "v3-fixed", seed: 2, runs: 50, scheduler: "pct" });
    expect(r.runs).toBe(50);
    expect(r.steps).toBeGreaterThan(0);
    expect(r.invariantChecks).toBeGreaterThan(r.steps);
  });
});

