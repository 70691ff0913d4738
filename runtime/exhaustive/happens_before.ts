/**
 * Happens-before over the steps of the current execution, kept across
 * executions: a new execution shares its prefix with the last one, so the
 * steps past the branch point are undone (truncate) and the new ones pushed.
 *
 * Happens-before is program order plus the order of dependent steps, as
 * vector clocks. For a step reading resource r the steps it depends on
 * directly are r's last writer; for a step writing r, also r's readers since:
 * every earlier dependent step happens before one of these. Per resource and
 * thread the index also keeps every access, for race detection (races.ts).
 */
import type { Footprint } from "./footprint";
import type { Event } from "./path_scheduler";

interface Access {
  writer: number;
  readers: number[];
  /** Per thread, every step that wrote the resource and every step that read it. */
  writes: number[][];
  reads: number[][];
}

interface Undo {
  thread: number;
  last: number;
  reads: number[];
  writes: Array<{ r: number; writer: number; readers: number[] }>;
}

/**
 * A vector clock: per thread, how many of its steps happen before (or are)
 * the step. A plain array: one is made per step, and a small typed array
 * costs far more to make than to read.
 */
export type Clock = readonly number[];

export class HappensBefore {
  readonly clocks: Clock[] = [];
  /** The step's index among its thread's steps. */
  readonly local: number[] = [];
  /** The first step of the run of steps of one thread that step k belongs to. */
  readonly blockStart: number[] = [];
  private readonly count: Int32Array;
  private readonly last: Int32Array;
  private readonly index = new Map<number, Access>();
  private readonly undo: Undo[] = [];
  private readonly zero: Clock;

  constructor(readonly threads: number) {
    this.count = new Int32Array(threads);
    this.last = new Int32Array(threads).fill(-1);
    this.zero = new Array<number>(threads).fill(0);
  }

  get length(): number {
    return this.undo.length;
  }

  /** The clock of thread p's last step so far (zero if none). */
  clockOf(p: number): Clock {
    const l = this.last[p]!;
    return l >= 0 ? this.clocks[l]! : this.zero;
  }

  /** The index of thread p's last step so far (-1 if none). */
  lastOf(p: number): number {
    return this.last[p]!;
  }

  /** Does step i happen before a step whose clock is c? */
  before(i: number, thread: number, c: Clock): boolean {
    return c[thread]! > this.local[i]!;
  }

  access(r: number): Access | undefined {
    return this.index.get(r);
  }

  private entry(r: number): Access {
    let a = this.index.get(r);
    if (a === undefined) {
      a = { writer: -1, readers: [], writes: Array.from({ length: this.threads }, () => []), reads: Array.from({ length: this.threads }, () => []) };
      this.index.set(r, a);
    }
    return a;
  }

  /** Append step k = length. */
  push(e: Event, fp: Footprint = e.fp): void {
    const k = this.undo.length;
    const p = e.thread;
    const prevK = k - 1;
    this.blockStart[k] = prevK >= 0 && this.undo[prevK]!.thread === p ? this.blockStart[prevK]! : k;
    this.local[k] = this.count[p]!++;
    const c = this.clockOf(p).slice();
    c[p] = this.local[k]! + 1;
    const join = (d: number) => {
      const dc = this.clocks[d]!;
      for (let x = 0; x < this.threads; x++) if (dc[x]! > c[x]!) c[x] = dc[x]!;
    };
    const u: Undo = { thread: p, last: this.last[p]!, reads: [], writes: [] };
    for (const r of fp.reads) {
      const a = this.entry(r);
      if (a.writer >= 0) join(a.writer);
      a.readers.push(k);
      a.reads[p]!.push(k);
      u.reads.push(r);
    }
    for (const r of fp.writes) {
      const a = this.entry(r);
      if (a.writer >= 0) join(a.writer);
      for (const x of a.readers) join(x);
      u.writes.push({ r, writer: a.writer, readers: a.readers });
      a.writer = k;
      a.readers = [];
      a.writes[p]!.push(k);
    }
    this.clocks[k] = c;
    this.last[p] = k;
    this.undo.push(u);
  }

  /** Forget steps n and later. */
  truncate(n: number): void {
    if (this.undo.length <= n) return;
    while (this.undo.length > n) {
      const u = this.undo.pop()!;
      for (let i = u.writes.length - 1; i >= 0; i--) {
        const w = u.writes[i]!;
        const a = this.index.get(w.r)!;
        a.writes[u.thread]!.pop();
        a.writer = w.writer;
        a.readers = w.readers;
      }
      for (let i = u.reads.length - 1; i >= 0; i--) {
        const a = this.index.get(u.reads[i]!)!;
        a.readers.pop();
        a.reads[u.thread]!.pop();
      }
      this.count[u.thread]!--;
      this.last[u.thread] = u.last;
    }
    this.clocks.length = n;
    this.local.length = n;
    this.blockStart.length = n;
  }
}
