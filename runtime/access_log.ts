/**
 * What one atomic step touched, beyond what its typed fields say: every word
 * and object the step, the code it resumes up to its next step, and the
 * observers checking it read or wrote. The exhaustive explorer
 * (runtime/exhaustive/) turns these into the step's footprint, from which two
 * steps' dependence follows (docs/exhaustive.md, "Dependence").
 *
 * Resources are numbers, so that footprints are small sorted arrays:
 *   word w (byte address 8w)      4w
 *   object id o (its liveness)    4o + 1;  ALL_OBJECTS (o = 0): the set of
 *                                 objects itself, written by every alloc and
 *                                 free, read by whoever lists the objects
 *   engine and caller resources   4k + 2   (locks, SRCU, regions, ghost state)
 */

export interface AccessLog {
  read(resource: number): void;
  write(resource: number): void;
}

export const wordResource = (wordIndex: number): number => wordIndex * 4;
export const objectResource = (id: number): number => id * 4 + 1;
/** The set of allocated objects (no object has id 0). */
export const ALL_OBJECTS = objectResource(0);
/** A resource that is not memory: numbered by its owner (runtime/exhaustive/footprint.ts). */
export const syncResource = (k: number): number => k * 4 + 2;
