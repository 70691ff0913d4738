/**
 * The interleaving engine on its own: blocking, deadlock and livelock
 * detection, determinism of the schedulers, and that any run written as
 * "default plus preemptions" replays to the same steps.
 */
import { Deadlock, Livelock, LockMisuse } from "../runtime/errors";
import { Machine } from "../runtime/machine";
import { Memory } from "../runtime/memory";
import { runThreads } from "../runtime/run";
import { PctScheduler } from "../runtime/schedulers/pct";
import { PreemptiveScheduler } from "../runtime/schedulers/preemptive";
import { RandomScheduler } from "../runtime/schedulers/random";
import { ReplayDivergence, ReplayScheduler } from "../runtime/schedulers/replay";
import { cmpxchg, type KGen, load, spinLock, spinUnlock, store, waitClear, waitWhile } from "../runtime/step";
import { Thread } from "../runtime/thread";
import { explore } from "../checker/search/explore";
import { runArb } from "../checker/series/concurrent_arbitraries";
import { runTrace, type Trace } from "../checker/search/trace";
import fc from "fast-check";
import { variant } from "./variants";

/** A machine on a bare memory with one word (at `word`), no kernel at all. */
function machine(ops: Array<() => KGen<unknown>>): Machine {
  const threads = ops.map((start, i) => new Thread(i, `T${i}`, [{ text: `op${i}`, start }]));
  return new Machine(mem, threads);
}
const mem = new Memory();
const word = mem.alloc("word", 1).base;

const run = (t: Trace, opts: Parameters<typeof runTrace>[2] = {}) => runTrace(t, variant(t.design), opts);

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
    expect(r.failure).toBeNull();
    expect(order).toEqual([0, 1]);
  });

  test("no runnable thread while some are not done is a Deadlock", () => {
    function* forever(): KGen<void> {
      yield waitWhile(word, "word", 0, "spin while *word == 0");
    }
    const r = runThreads(machine([() => forever()]), new PreemptiveScheduler([]), 100, () => {});
    expect(r.failure).toBeInstanceOf(Deadlock);
  });

  test("a spin waiting for bits to clear blocks while any is set, and returns the word it saw clear", () => {
    // A bit-spinlock in bit 1 of a word whose other bits carry data: the waiter
    // is not runnable while the holder has the bit, whatever the data bits are.
    const w = mem.alloc("word", 1).base;
    mem.write(w, "word", 0x10 | 2, "init");
    const seen: number[] = [];
    function* waiter(): KGen<void> {
      seen.push(yield waitClear(w, "word", 2, "waiter: spin while (*w & 2)"));
    }
    function* holder(): KGen<void> {
      yield store(w, "word", 0x30 | 2, "holder: change the data, keep the bit");
      yield store(w, "word", 0x30, "holder: release the bit");
    }
    const m = new Machine(mem, [new Thread(0, "T0", [{ text: "wait", start: waiter }]), new Thread(1, "T1", [{ text: "hold", start: holder }])]);
    const r = runThreads(m, new PreemptiveScheduler([]), 100, () => {});
    expect(r.failure).toBeNull();
    expect(seen).toEqual([0x30]);
    // T0 is first in line but not runnable until T1 released the bit.
    expect(r.trace.map((s) => s.thread)).toEqual([1, 1, 0]);
  });

  test("a bit that is never cleared is a Deadlock of the waiter, under x86-TSO too", () => {
    for (const tso of [false, true]) {
      const w = mem.alloc("word", 1).base;
      function* taker(): KGen<void> {
        yield cmpxchg(w, "word", 0, 2, "taker: cmpxchg 0 -> 2");
      }
      function* waiter(): KGen<void> {
        yield waitClear(w, "word", 2, "waiter: spin while (*w & 2)");
      }
      const m = new Machine(mem, [new Thread(0, "T0", [{ text: "take", start: taker }]), new Thread(1, "T1", [{ text: "wait", start: waiter }])], { tso });
      const r = runThreads(m, new PreemptiveScheduler([]), 100, () => {});
      expect(r.failure).toBeInstanceOf(Deadlock);
    }
  });

  test("under x86-TSO a waiter sees its own buffered store, and another thread's only once it drains", () => {
    const w = mem.alloc("word", 1).base;
    const seen: number[] = [];
    function* releaser(): KGen<void> {
      yield store(w, "word", 2, "releaser: store 2 (buffered)");
      seen.push(yield waitClear(w, "word", 1, "releaser: spin while (*w & 1)"));
    }
    function* other(): KGen<void> {
      seen.push(yield waitClear(w, "word", 2, "other: spin while (*w & 2)"));
    }
    mem.write(w, "word", 0, "init");
    const m = new Machine(mem, [new Thread(0, "T0", [{ text: "r", start: releaser }]), new Thread(1, "T1", [{ text: "o", start: other }])], { tso: true });
    const r = runThreads(m, new PreemptiveScheduler([{ thread: 0, after: 1, to: 1 }]), 100, () => {});
    expect(r.failure).toBeNull();
    // T1 reads memory's 0 (T0's store has not drained yet); T0 then reads its own buffered 2.
    expect(seen).toEqual([0, 2]);
  });

  test("under x86-TSO a generator run alone (set-up, sequential driver) ends with its stores in memory", () => {
    const w = mem.alloc("word", 1).base;
    function* lastStore(): KGen<void> {
      yield store(w, "word", 7, "solo: store 7 (buffered)");
    }
    const t = new Thread(0, "T0", []);
    const m = new Machine(mem, [t], { tso: true });
    m.runSolo(t, lastStore());
    expect(t.storeBuffer).toEqual([]);
    expect(mem.peek(w)).toBe(7);
  });

  test("a run that exceeds its step budget is a Livelock, not a hang", () => {
    function* loop(): KGen<void> {
      for (;;) yield load(word, "word", "load");
    }
    const r = runThreads(machine([() => loop()]), new PreemptiveScheduler([]), 50, () => {});
    expect(r.failure).toBeInstanceOf(Livelock);
  });

  test("releasing a lock without holding it is LockMisuse", () => {
    function* bad(): KGen<void> {
      yield spinUnlock("spin_unlock without lock");
    }
    const r = runThreads(machine([() => bad()]), new PreemptiveScheduler([]), 10, () => {});
    expect(r.failure).toBeInstanceOf(LockMisuse);
  });

  test("locks are numbered: holding lock 1 does not block lock 0", () => {
    const order: string[] = [];
    function* a(): KGen<void> {
      yield spinLock("a: lock 1", 1);
      order.push("a1");
      yield spinLock("a: lock 0");
      order.push("a0");
      yield spinUnlock("a: unlock 0");
      yield spinUnlock("a: unlock 1", 1);
    }
    function* b(): KGen<void> {
      yield spinLock("b: lock 1", 1);
      order.push("b1");
      yield spinUnlock("b: unlock 1", 1);
    }
    const r = runThreads(machine([() => a(), () => b()]), new PreemptiveScheduler([{ thread: 0, after: 1, to: 1 }]), 100, () => {});
    expect(r.failure).toBeNull();
    expect(order).toEqual(["a1", "a0", "b1"]);
  });

  test("a step's function is the label's part before the colon", () => {
    expect(load(word, "word", "rmap_get_first: load desc->sptes[0]").fn).toBe("rmap_get_first");
    expect(load(word, "word", "plain").fn).toBe("plain");
  });

  test("the same seed gives the same PCT and random schedules", () => {
    fc.assert(
      fc.property(runArb("v3-fixed"), (g) => {
        for (const mk of [() => new PctScheduler(g.seed, 5, 3, 160), () => new RandomScheduler(g.seed)]) {
          const a = run(g.trace, { scheduler: mk() }).result;
          const b = run(g.trace, { scheduler: mk() }).result;
          expect(b.trace).toEqual(a.trace);
        }
      }),
      { numRuns: 100, seed: 3 },
    );
  });

  test("any run, written as default plus preemptions, replays to the same steps", () => {
    fc.assert(
      fc.property(runArb("v3"), (g) => {
        const a = run(g.trace, { scheduler: new RandomScheduler(g.seed) }).result;
        const b = run({ ...g.trace, preemptions: a.preemptions }).result;
        expect(b.trace).toEqual(a.trace);
        expect(b.violation?.invariant).toBe(a.violation?.invariant);
      }),
      { numRuns: 200, seed: 4 },
    );
  });

  test("replay stops with a clear message when a label no longer matches", () => {
    const g = fc.sample(runArb("v3-fixed"), { seed: 5, numRuns: 1 })[0]!;
    const a = run(g.trace, { scheduler: new RandomScheduler(1) }).result;
    const bad = a.trace.map((s, i) => (i === 2 ? { ...s, label: "changed label" } : s));
    expect(a.trace.length).toBeGreaterThan(2);
    expect(() => run(g.trace, { scheduler: new ReplayScheduler(bad) })).toThrow(ReplayDivergence);
  });

  test("the incremental checker finds what the full checker finds", () => {
    for (const design of ["v3", "v3-no-handshake", "v3-fixed"]) {
      fc.assert(
        fc.property(runArb(design), (g) => {
          const inc = run(g.trace, { scheduler: new PctScheduler(g.seed, 5, 3, 160) }).result;
          const full = run(g.trace, { scheduler: new PctScheduler(g.seed, 5, 3, 160), full: true }).result;
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
    const r = explore({ variant: variant("v3-fixed"), seed: 2, runs: 50, scheduler: "pct" });
    expect(r.runs).toBe(50);
    expect(r.steps).toBeGreaterThan(0);
    expect(r.invariantChecks).toBeGreaterThan(r.steps);
  });
});

