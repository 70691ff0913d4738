/**
 * The footprint of one executed step (an "event"): the resources it read and
 * wrote. Two events of different threads are dependent iff one writes what
 * the other reads or writes (docs/exhaustive.md, "Dependence"); events of one
 * thread always are (program order).
 *
 * A footprint is the union of
 *   - what memory reported while the step ran (runtime/access_log.ts): the
 *     access itself, the code the step resumed up to the thread's next step,
 *     and every observer's reads (a checker that reads an rmap chain after a
 *     write makes the write depend on the whole chain);
 *   - the engine's own state, from the step's typed fields (engineResources);
 *   - whatever the program adds for state the engine cannot see (a checker's
 *     ghost state: runtime/exhaustive/program.ts extraFootprint).
 */
import type { AccessLog } from "../access_log";

export interface Footprint {
  /** Sorted, unique. */
  readonly reads: readonly number[];
  /** Sorted, unique; a written resource is not repeated in reads. */
  readonly writes: readonly number[];
}

export const EMPTY_FOOTPRINT: Footprint = { reads: [], writes: [] };

function intersects(a: readonly number[], b: readonly number[]): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) return true;
    if (x < y) i++;
    else j++;
  }
  return false;
}

/** The resources two footprints conflict on (one writes, the other reads or writes). */
export function conflicts(a: Footprint, b: Footprint): number[] {
  const out: number[] = [];
  const add = (x: readonly number[], y: readonly number[]) => {
    for (const r of x) if (y.includes(r) && !out.includes(r)) out.push(r);
  };
  add(a.writes, b.writes);
  add(a.writes, b.reads);
  add(a.reads, b.writes);
  return out;
}

/** Do two events of different threads conflict? */
export function dependent(a: Footprint, b: Footprint): boolean {
  return intersects(a.writes, b.writes) || intersects(a.writes, b.reads) || intersects(a.reads, b.writes);
}

/** Collects one event's footprint; memory reports into it while the step runs. */
export class FootprintBuilder implements AccessLog {
  private r: Int32Array<ArrayBuffer> = new Int32Array(64);
  private w: Int32Array<ArrayBuffer> = new Int32Array(16);
  private nr = 0;
  private nw = 0;

  read(resource: number): void {
    if (this.nr > 0 && this.r[this.nr - 1] === resource) return;
    if (this.nr === this.r.length) this.r = grow(this.r);
    this.r[this.nr++] = resource;
  }

  write(resource: number): void {
    if (this.nw === this.w.length) this.w = grow(this.w);
    this.w[this.nw++] = resource;
  }

  clear(): void {
    this.nr = 0;
    this.nw = 0;
  }

  /**
   * The footprint collected so far. Footprints are small (a few resources a step: a handful of
   * words and the program's ghost resources), so each list is sorted in place by insertion and
   * copied once, into a plain array (a typed array costs far more to make).
   */
  build(): Footprint {
    const writes = sortedUnique(this.w, this.nw, NO_RESOURCES);
    return { reads: sortedUnique(this.r, this.nr, writes), writes };
  }
}

const NO_RESOURCES: readonly number[] = [];

function grow(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** a[0..n) sorted (in place), without repeats and without the members of the sorted `minus`, as a new array. */
function sortedUnique(a: Int32Array, n: number, minus: readonly number[]): number[] {
  const out: number[] = [];
  if (n === 0) return out;
  if (n > 32) a.subarray(0, n).sort();
  else {
    for (let i = 1; i < n; i++) {
      const x = a[i]!;
      let j = i - 1;
      while (j >= 0 && a[j]! > x) {
        a[j + 1] = a[j]!;
        j--;
      }
      a[j + 1] = x;
    }
  }
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    if ((i === 0 || x !== a[i - 1]) && (minus.length === 0 || !sortedHas(minus, x))) out.push(x);
  }
  return out;
}

function sortedHas(a: readonly number[], x: number): boolean {
  let lo = 0;
  let hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = a[mid]!;
    if (v === x) return true;
    if (v < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
