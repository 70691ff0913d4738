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
import { cmpxchg, free, type KGen, load, lockOr, smpMb, spinLock, spinUnlock, store, waitUntil, xchg } from "../runtime/step";
import { Thread } from "../runtime/thread";
import type { Program } from "../runtime/exhaustive/program";

/** One instruction of a litmus thread: `r` is the thread's register. */
export type Instr =
  | { op: "load" | "free" | "mb"; w: number }
  | { op: "store" | "xchg" | "or" | "waitUntil"; w: number; v: number }
  | { op: "storeR"; w: number }
  | { op: "cas"; w: number; old: number; v: number }
  | { op: "lock" | "unlock"; l: number };

export interface Litmus {
  words: number;
  threads: Instr[][];
  /** An intermediate-state invariant: the observer throws when it holds after a step. */
  bad?: (vals: number[]) => boolean;
}

export interface Outcomes {
  /** Final states of the executions that ended without failure. */
  finals: Set<string>;
  /** What failing executions threw. */
  failures: Set<string>;
}

function* run(ins: Instr[], addr: (w: number) => number): KGen<number> {
  let r = 0;
  for (const i of ins) {
    switch (i.op) {
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
      const machine = new Machine(mem, threads);
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
