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
  readonly reads: Int32Array;
  /** Sorted, unique; a written resource is not repeated in reads. */
  readonly writes: Int32Array;
}

export const EMPTY_FOOTPRINT: Footprint = { reads: new Int32Array(0), writes: new Int32Array(0) };

function intersects(a: Int32Array, b: Int32Array): boolean {
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
  const add = (x: Int32Array, y: Int32Array) => {
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
  private readonly r = new Set<number>();
  private readonly w = new Set<number>();

  read(resource: number): void {
    this.r.add(resource);
  }

  write(resource: number): void {
    this.w.add(resource);
  }

  clear(): void {
    this.r.clear();
    this.w.clear();
  }

  build(): Footprint {
    const writes = Int32Array.from(this.w).sort();
    const reads = Int32Array.from([...this.r].filter((x) => !this.w.has(x))).sort();
    return { reads, writes };
  }
}
