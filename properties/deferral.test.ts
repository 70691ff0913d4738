/**
 * The engine's deferral primitives (runtime/deferral.ts) as litmus tests, in
 * every interleaving: SRCU and RCU grace periods wait for the readers that
 * began before, and only for them; domains are independent; work items run in
 * process context; a sleeping call or a process-context lock in a softirq
 * callback is a ContextViolation. Each is explored exhaustively with DPOR and,
 * where the outcome sets are compared, by plain enumeration too, so that the
 * new steps' footprints (runtime/exhaustive/engine_resources.ts) are checked.
 */
import { callRcu, callSrcu, type ExecutorKind, rcuReadLock, rcuReadUnlock, scheduleWork, synchronizeRcu } from "../runtime/deferral";
import { explore } from "../runtime/exhaustive/units";
import { Machine } from "../runtime/machine";
import { Memory } from "../runtime/memory";
import { runThreads } from "../runtime/run";
import { free, type KGen, load, spinLock, spinUnlock, srcuReadLock, srcuReadUnlock, type Step, store, synchronizeSrcu, waitUntil } from "../runtime/step";
import { Thread } from "../runtime/thread";
import type { Program } from "../runtime/exhaustive/program";

/** A thread body over word x and a flag word f (both their own objects). */
type Body = (x: number, f: number) => KGen<void>;

interface Outcome {
  failures: Set<string>;
  finals: number;
  /** Each passing execution's final state: x, the flag, and what each thread's last load returned. */
  states: Set<string>;
}

/** A program of threads over one word x (its own object); `executors` declared on the machine. */
function program(threads: Body[], executors: ExecutorKind[], out: Outcome): Program {
  return {
    start() {
      const mem = new Memory();
      const x = mem.alloc("w", 1).base;
      const f0 = mem.alloc("flag", 1).base;
      const ts = threads.map((b, i) => new Thread(i, `T${i}`, [{ text: `T${i}`, start: () => b(x, f0) }]));
      const machine = new Machine(mem, ts, { executors });
      return {
        machine,
        run(s, hooks) {
          const r = runThreads(machine, s, 1000, () => {}, hooks);
          const f = r.failure as Error | null;
          if (f) out.failures.add(`${f.name}: ${f.message.replace(/0x[0-9a-f]+/g, "ADDR")}`);
          else {
            out.finals++;
            out.states.add(`${mem.objectAt(x)!.freed ? "freed" : mem.peek(x)},${mem.peek(f0)} | ${ts.map((t) => String(t.results[0])).join(",")}`);
          }
          return r;
        },
      };
    },
  };
}

function outcomes(threads: Body[], executors: ExecutorKind[], reduce = true): Outcome {
  const out: Outcome = { failures: new Set(), finals: 0, states: new Set() };
  const r = explore(program(threads, executors, out), { bound: null, reduce, continueAfterFailure: true });
  expect(r.complete).toBe(true);
  return out;
}

function* steps(...ss: Step[]): KGen<void> {
  for (const s of ss) yield s;
}

const freeX = (x: number) => (): KGen<void> => steps(free(x, "w", "cb: free x"));
const UAF = /use-after-free/;
const some = (o: Outcome, re: RegExp): boolean => [...o.failures].some((f) => re.test(f));

describe("SRCU and RCU grace periods (litmus)", () => {
  /** The reader opens its section of `readDomain`, then lets the writer queue the free in `freeDomain`. */
  const ordered = (readDomain: number, freeDomain: number): Body[] => [
    function* (x, f) {
      yield srcuReadLock("reader: srcu_read_lock", readDomain);
      yield store(f, "flag", 1, "reader: flag = 1");
      yield load(x, "w", "reader: load x");
      yield srcuReadUnlock("reader: srcu_read_unlock", readDomain);
    },
    function* (x, f) {
      yield waitUntil(f, "flag", 1, "writer: wait until flag == 1");
      yield callSrcu(freeDomain, freeX(x), "writer: call_srcu(free x)");
    },
  ];

  test("a reader that began before call_srcu is waited for: never a use-after-free", () => {
    const o = outcomes(ordered(2, 2), ["softirq"]);
    expect(o.failures.size).toBe(0);
    expect(o.finals).toBeGreaterThan(0);
  });

  const lateReader = (lock: (l: string) => Step, unlock: (l: string) => Step, defer: (x: number) => Step): Body[] => [
    function* (x) {
      yield lock("reader: read_lock");
      yield load(x, "w", "reader: load x");
      yield load(x, "w", "reader: load x again");
      yield unlock("reader: read_unlock");
    },
    function* (x) {
      yield defer(x);
    },
  ];

  test.each([
    ["call_srcu, same domain", (l: string) => srcuReadLock(l, 2), (l: string) => srcuReadUnlock(l, 2), (x: number) => callSrcu(2, freeX(x), "w: call_srcu")],
    ["call_rcu", rcuReadLock, rcuReadUnlock, (x: number) => callRcu(freeX(x), "w: call_rcu")],
  ])("%s: a reader that begins after the callback is queued is NOT waited for; one that began before is", (_n, lock, unlock, defer) => {
    const reduced = outcomes(lateReader(lock, unlock, defer), ["softirq"]);
    const plain = outcomes(lateReader(lock, unlock, defer), ["softirq"], false);
    // DPOR stops at its first failure; plain enumeration goes on and finds them all.
    expect(some(reduced, UAF)).toBe(true);
    expect([...plain.failures].every((f) => UAF.test(f))).toBe(true);
  });

  test("domains are independent: a grace period of domain 2 does not wait for a reader of domain 3", () => {
    expect(some(outcomes(ordered(3, 2), ["softirq"]), UAF)).toBe(true);
    expect(some(outcomes(ordered(0, 2), ["softirq"]), UAF)).toBe(true);
  });

  test("synchronize_rcu waits for a reader that began before, then the free is safe", () => {
    const o = outcomes(
      [
        function* (x, f) {
          yield rcuReadLock("reader: rcu_read_lock");
          yield store(f, "flag", 1, "reader: flag = 1");
          yield load(x, "w", "reader: load x");
          yield rcuReadUnlock("reader: rcu_read_unlock");
        },
        function* (x, f) {
          yield waitUntil(f, "flag", 1, "writer: wait until flag == 1");
          yield synchronizeRcu("writer: synchronize_rcu");
          yield free(x, "w", "writer: free x");
        },
      ],
      [],
    );
    expect([...o.failures]).toEqual([]);
    expect(o.finals).toBeGreaterThan(0);
  });
});

describe("DPOR with deferred work reaches what plain enumeration reaches", () => {
  /** Readers and writers of x around a callback that writes x after a grace period, and a work item that writes the flag. */
  const program3: Body[] = [
    function* (x) {
      yield srcuReadLock("T0: srcu_read_lock", 2);
      yield store(x, "w", 1, "T0: x = 1");
      yield srcuReadUnlock("T0: srcu_read_unlock", 2);
    },
    function* (x, f) {
      yield callSrcu(2, () => steps(store(x, "w", 2, "cb: x = 2")), "T1: call_srcu");
      yield scheduleWork(() => steps(store(f, "flag", 3, "work: flag = 3")), "T1: schedule_work");
    },
    function* (x: number, f: number): KGen<number> {
      const a: number = yield load(x, "w", "T2: load x");
      const b: number = yield load(f, "flag", "T2: load flag");
      return a * 10 + b;
    } as unknown as Body,
  ];

  test("final states (x, flag, T2's loads) agree; both orders of T0's store and the callback's occur", () => {
    const reduced = outcomes(program3, ["softirq", "kworker"]);
    const plain = outcomes(program3, ["softirq", "kworker"], false);
    expect(reduced.failures.size).toBe(0);
    expect(reduced.states).toEqual(plain.states);
    expect(reduced.states.size).toBeGreaterThan(4);
    // x = 1 last: T0's section began after the call_srcu, so the callback did not wait for it.
    expect([...plain.states].some((s) => s.startsWith("1,"))).toBe(true);
    expect([...plain.states].some((s) => s.startsWith("2,"))).toBe(true);
  });
});

describe("contexts", () => {
  test("a work item runs in process context: it may take a lock and sleep", () => {
    const o = outcomes(
      [
        function* (x) {
          yield spinLock("T0: spin_lock(L)", 1);
          yield scheduleWork(() => steps(synchronizeSrcu("work: synchronize_srcu"), spinLock("work: spin_lock(L)", 1), free(x, "w", "work: free x"), spinUnlock("work: spin_unlock(L)", 1)), "T0: schedule_work");
          yield spinUnlock("T0: spin_unlock(L)", 1);
        },
      ],
      ["kworker"],
    );
    expect([...o.failures]).toEqual([]);
    expect(o.finals).toBeGreaterThan(0);
  });

  test("a softirq callback that takes a lock process context takes is a ContextViolation", () => {
    const o = outcomes(
      [
        function* (x) {
          yield spinLock("T0: spin_lock(L)", 1);
          yield callRcu(() => steps(spinLock("cb: spin_lock(L)", 1), free(x, "w", "cb: free x"), spinUnlock("cb: spin_unlock(L)", 1)), "T0: call_rcu");
          yield spinUnlock("T0: spin_unlock(L)", 1);
        },
      ],
      ["softirq"],
    );
    expect([...o.failures].every((f) => f.startsWith("ContextViolation: lock 1 is taken in softirq context"))).toBe(true);
    expect(o.failures.size).toBe(1);
  });

  test("sleeping in a softirq callback, under a spin lock or in an RCU section is a ContextViolation", () => {
    const cases: Body[] = [
      function* () {
        yield callRcu(() => steps(synchronizeSrcu("cb: synchronize_srcu")), "T0: call_rcu");
      },
      function* () {
        yield spinLock("T0: spin_lock", 1);
        yield synchronizeSrcu("T0: synchronize_srcu");
        yield spinUnlock("T0: spin_unlock", 1);
      },
      function* () {
        yield rcuReadLock("T0: rcu_read_lock");
        yield synchronizeSrcu("T0: synchronize_srcu", 2);
        yield rcuReadUnlock("T0: rcu_read_unlock");
      },
    ];
    const why = ["softirq context", "a spin lock held", "an RCU read-side section"];
    cases.forEach((c, i) => {
      const o = outcomes([c], ["softirq"]);
      expect([...o.failures]).toEqual([expect.stringContaining(`sleeps in atomic context (${why[i]})`)]);
    });
  });

  test("work queued for an executor the program did not declare is refused", () => {
    const o = outcomes([function* (x) { yield callRcu(freeX(x), "T0: call_rcu"); }], []);
    expect([...o.failures]).toEqual([expect.stringContaining("did not declare")]);
  });

  test("an operation run alone (the sequential driver) runs its callbacks before it returns", () => {
    const mem = new Memory();
    const x = mem.alloc("w", 1).base;
    const m = new Machine(mem, [], { executors: ["softirq"] });
    const t = new Thread(-1, "setup", []);
    m.runOperation(t, { text: "op", start: () => steps(callSrcu(2, freeX(x), "op: call_srcu")) });
    expect(mem.objectAt(x)!.freed).toBe(true);
  });
});
