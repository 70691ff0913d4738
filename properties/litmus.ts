/**
 * Small hand-made and random programs on the bare engine, for testing the
 * exhaustive explorer (runtime/exhaustive/) against plain enumeration: a few
 * words of memory (each its own object), threads that load, store,
 * read-modify-write, lock, spin and free, an optional observer that checks a
 * predicate over the whole memory after every step (as the step checker
 * does), and the final state of each execution as a string.
 */
import { Machine, type Observer } from "../runtime/machine";
import { Memory } from "../runtime/memory";
import { Prng } from "../runtime/prng";
import { runThreads } from "../runtime/run";
import {
  alloc, cmpxchg, free, type KGen, load, lockOr, regionEnter, regionExit, smpMb, spinLock, spinUnlock, srcuReadLock,
  srcuReadUnlock, store, synchronizeSrcu, waitRegions, waitUntil, waitWhile, xchg,
} from "../runtime/step";
import { Thread } from "../runtime/thread";
import type { Program } from "../runtime/exhaustive/program";
import { explore } from "../runtime/exhaustive/units";

/** One instruction of a litmus thread: `r` is the thread's register. */
export type Instr =
  | { op: "load" | "free" | "mb"; w: number }
  | { op: "store" | "xchg" | "or" | "waitUntil"; w: number; v: number }
  | { op: "storeR"; w: number }
  | { op: "cas"; w: number; old: number; v: number }
  | { op: "lock" | "unlock"; l: number }
  | { op: "waitWhile"; w: number; v: number }
  | { op: "srcuLock" | "srcuUnlock" | "sync" | "enter" | "exit" | "ipi" | "alloc" | "freeOwn" };

export interface Litmus {
  words: number;
  threads: Instr[][];
  /** An intermediate-state invariant: the observer throws when it holds after a step. */
  bad?: (vals: number[]) => boolean;
  /** x86-TSO store buffers (default: sequential consistency). */
  tso?: boolean;
}

export interface Outcomes {
  /** Final states of the executions that ended without failure. */
  finals: Set<string>;
  /** What failing executions threw. */
  failures: Set<string>;
}

function* run(ins: Instr[], addr: (w: number) => number): KGen<number> {
  let r = 0;
  let own = 0;
  for (const i of ins) {
    switch (i.op) {
      case "waitWhile":
        r = r * 7 + (yield waitWhile(addr(i.w), "w", i.v, "t: wait while"));
        break;
      case "srcuLock":
        yield srcuReadLock("t: srcu_read_lock");
        break;
      case "srcuUnlock":
        yield srcuReadUnlock("t: srcu_read_unlock");
        break;
      case "sync":
        yield synchronizeSrcu("t: synchronize_srcu");
        break;
      case "enter":
        yield regionEnter("t: region_enter");
        break;
      case "exit":
        yield regionExit("t: region_exit");
        break;
      case "ipi":
        yield waitRegions("t: wait_regions");
        break;
      case "alloc":
        own = yield alloc("w", 1, "t: alloc");
        break;
      case "freeOwn":
        if (own !== 0) yield free(own, "w", "t: free own");
        own = 0;
        break;
      case "load":
        r = r * 7 + (yield load(addr(i.w), "w", "t: load"));
        break;
      case "store":
        yield store(addr(i.w), "w", i.v, "t: store");
        break;
      case "storeR":
        yield store(addr(i.w), "w", r + 1, "t: store r+1");
        break;
      case "xchg":
        r = r * 7 + (yield xchg(addr(i.w), "w", i.v, "t: xchg"));
        break;
      case "cas":
        r = r * 7 + (yield cmpxchg(addr(i.w), "w", i.old, i.v, "t: cmpxchg"));
        break;
      case "or":
        r = r * 7 + (yield lockOr(addr(i.w), "w", i.v, "t: lock or"));
        break;
      case "waitUntil":
        yield waitUntil(addr(i.w), "w", i.v, "t: wait until");
        break;
      case "free":
        yield free(addr(i.w), "w", "t: free");
        break;
      case "mb":
        yield smpMb("t: smp_mb");
        break;
      case "lock":
        yield spinLock("t: spin_lock", i.l);
        break;
      case "unlock":
        yield spinUnlock("t: spin_unlock", i.l);
        break;
    }
  }
  return r;
}

/** The program of a litmus test, recording outcomes into `out`. */
export function litmusProgram(t: Litmus, out: Outcomes): Program {
  return {
    start() {
      const mem = new Memory();
      const objs = Array.from({ length: t.words }, () => mem.alloc("w", 1));
      const addr = (w: number): number => objs[w]!.base;
      // Read through the memory, as a checker does, so that the explorer sees what the observer reads.
      const vals = (): number[] => objs.map((o) => (mem.objectAt(o.base)!.freed ? -1 : mem.peek(o.base)));
      const threads = t.threads.map((ins, i) => new Thread(i, `T${i}`, [{ text: `T${i}`, start: () => run(ins, addr) }]));
      const machine = new Machine(mem, threads, { tso: t.tso ?? false });
      if (t.bad) {
        const bad = t.bad;
        const obs: Observer = {
          afterStep() {
            if (bad(vals())) throw new Error(`bad state ${vals().join(",")}`);
          },
          opStart() {},
          opEnd() {},
        };
        machine.observers.push(obs);
      }
      return {
        machine,
        run(s, hooks) {
          const r = runThreads(machine, s, 1000, () => {}, hooks);
          const failure = r.failure as Error | null;
          if (failure) out.failures.add(`${failure.name}: ${failure.message.replace(/0x[0-9a-f]+/g, "ADDR")}`);
          else out.finals.add(`${vals().join(",")} | ${threads.map((x) => String(x.results[0])).join(",")}`);
          return r;
        },
      };
    },
  };
}

export const newOutcomes = (): Outcomes => ({ finals: new Set(), failures: new Set() });

/** The behaviour classes an exploration of t reaches (runtime/exhaustive/behaviour.ts); a failing execution counts as the class FAIL. */
export function litmusClasses(t: Litmus, bound: number | null, reduce: boolean, maxExecutions?: number): { keys: Set<string>; complete: boolean; executions: number } {
  const keys = new Set<string>();
  const r = explore(litmusProgram(t, newOutcomes()), {
    bound,
    reduce,
    continueAfterFailure: !reduce,
    ...(maxExecutions === undefined ? {} : { maxExecutions }),
    onBehaviour: (k, run) => keys.add(run.failure ? "FAIL" : k),
  });
  return { keys, complete: r.complete, executions: r.stats.executions };
}

/** A random litmus test: 2 or 3 threads of 1 to 4 instructions over 2 or 3 words, locks well nested. */
export function randomLitmus(seed: number): Litmus {
  const g = new Prng(seed);
  const words = 2 + g.below(2);
  const w = () => g.below(words);
  const v = () => 1 + g.below(2);
  const instr = (): Instr => {
    const k = g.below(20);
    if (k < 5) return { op: "load", w: w() };
    if (k < 8) return { op: "store", w: w(), v: v() };
    if (k < 10) return { op: "storeR", w: w() };
    if (k < 12) return { op: "xchg", w: w(), v: v() };
    if (k < 14) return { op: "cas", w: w(), old: g.below(2), v: v() };
    if (k < 15) return { op: "or", w: w(), v: v() };
    if (k < 16) return { op: "mb", w: 0 };
    // (A spin on freed memory would fault in Machine.runnable: spins watch word 0, frees hit the others.)
    if (k < 17) return { op: "waitUntil", w: 0, v: v() };
    if (k < 18) return { op: "free", w: 1 + g.below(words - 1) };
    return { op: "load", w: w() };
  };
  const thread = (): Instr[] => {
    const out: Instr[] = [];
    const n = 1 + g.below(4);
    while (out.length < n) {
      if (g.below(5) === 0) {
        const l = g.below(2);
        out.push({ op: "lock", l }, instr(), { op: "unlock", l });
      } else out.push(instr());
    }
    return out;
  };
  const threads = Array.from({ length: 2 + g.below(2) }, thread);
  const b = g.below(3);
  const bad = b === 0 ? undefined : (vals: number[]) => vals[0] === 2 && vals[1] === b - 1;
  return { words, threads, ...(bad ? { bad } : {}) };
}

/**
 * A random program with the engine's blocking and ordering steps too: waits
 * on a word (until and while), locks, SRCU read sections and
 * synchronize_srcu, regions and the IPI that waits them out, allocation and
 * free, besides the accesses of randomLitmus. Sections are well nested and
 * every wait watches word 0 or 1, which nothing frees; frees hit the words
 * from 2 on, or the thread's own allocation. What such a program can reach
 * includes deadlocks (two synchronize_srcu inside read sections): a failure
 * either search must find.
 */
export function randomBlockingLitmus(seed: number): Litmus {
  const g = new Prng(seed * 7919 + 13);
  // Words 0 and 1 are flags, word 2 the data a flag guards, words 3.. may be freed, and the last word is
  // never written: loads of it ("pads") commute with everything.
  const words = 4 + g.below(2);
  const pad = words;
  const w = () => g.below(words);
  const flag = () => g.below(2);
  const instr = (): Instr[] => {
    const k = g.below(28);
    if (k < 4) return [{ op: "load", w: w() }];
    if (k < 7) return [{ op: "store", w: g.below(3), v: g.below(2) }];
    // A flag raised around a read of the data, and a waiter that writes the data once the flag is down.
    if (k < 10) {
      const f = flag();
      return [{ op: "store", w: f, v: 1 }, { op: "load", w: 2 }, { op: "store", w: f, v: 0 }];
    }
    if (k < 12) return [{ op: "waitUntil", w: flag(), v: 0 }, { op: "store", w: 2, v: 2 }];
    if (k < 14) return [{ op: "waitWhile", w: flag(), v: 1 }, { op: "store", w: 2, v: 3 }];
    if (k < 15) return [{ op: "storeR", w: w() }];
    if (k < 16) return [{ op: "xchg", w: w(), v: g.below(2) }];
    if (k < 17) return [{ op: "cas", w: w(), old: g.below(2), v: 1 }];
    if (k < 19) return [{ op: "srcuLock" }, { op: "load", w: w() }, { op: "srcuUnlock" }];
    if (k < 20) return [{ op: "sync" }];
    if (k < 22) return [{ op: "enter" }, { op: "load", w: w() }, { op: "exit" }];
    if (k < 23) return [{ op: "ipi" }];
    if (k < 24) return [{ op: "alloc" }, { op: "freeOwn" }];
    if (k < 25) return [{ op: "free", w: 3 + g.below(words - 3) }];
    const l = g.below(2);
    return [{ op: "lock", l }, { op: "store", w: w(), v: g.below(2) }, { op: "unlock", l }];
  };
  const thread = (): Instr[] => {
    const out: Instr[] = Array.from({ length: 1 + g.below(2) }, () => ({ op: "load", w: pad }) as Instr);
    const n = 1 + g.below(2);
    for (let i = 0; i < n; i++) out.push(...instr());
    return out;
  };
  const threads = Array.from({ length: g.below(3) === 0 ? 3 : 2 }, thread);
  return { words: words + 1, threads };
}
