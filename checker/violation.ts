/**
 * A violated invariant, named by the table of model/invariants.ts, and the
 * mapping of what the engine and the kernel code throw (a BUG, a WARN, a bad
 * memory access, a deadlock, a livelock, a lock released by a non-holder) to
 * the invariant each breaks. The engine and impl/ name no invariant; this is
 * the one place that does it for them.
 */
import { KernelBug } from "../impl/kernel_bug";
import type { InvariantName as SeriesInvariantName } from "../model/invariants";
import type { LocklessInvariantName } from "../model/lockless/invariants";
import { ContextViolation, Deadlock, Livelock, LockMisuse, MemoryFault, WarningFired } from "../runtime/errors";

/** An invariant of either subject's table (the engine-level rows are shared). */
export type InvariantName = SeriesInvariantName | LocklessInvariantName;

/** What a check found: the invariant and a sentence. */
export interface Finding {
  readonly invariant: InvariantName;
  readonly detail: string;
}

export class Violation extends Error {
  override readonly name = "Violation";
  constructor(
    readonly invariant: InvariantName,
    readonly detail: string,
    /** Model-versus-implementation difference, when there is one. */
    readonly diff: string[] = [],
  ) {
    super(`${invariant}: ${detail}`);
  }

  static of(f: Finding, diff: string[] = []): Violation {
    return new Violation(f.invariant, f.detail, diff);
  }
}

/** The violation a thrown failure stands for; anything else is an internal error and is rethrown. */
export function asViolation(e: unknown): Violation {
  if (e instanceof Violation) return e;
  if (e instanceof KernelBug) return new Violation("KERNEL-BUG", e.message);
  if (e instanceof WarningFired) return new Violation("INV-RO", e.message);
  if (e instanceof MemoryFault) return new Violation("INV-MEM", e.message);
  if (e instanceof LockMisuse) return new Violation("INV-LOCK", e.message);
  if (e instanceof ContextViolation) return new Violation("INV-CTX", e.message);
  if (e instanceof Deadlock) return new Violation("DEADLOCK", e.message);
  if (e instanceof Livelock) return new Violation("LIVELOCK", e.message);
  throw e;
}

/** A run's failure as a violation (null when the run passed). */
export function violationOf(failure: unknown): Violation | null {
  return failure === null || failure === undefined ? null : asViolation(failure);
}
