/**
 * A violated invariant, named as in model/invariants.ts, and the mapping of
 * kernel failures (BUG, WARN, bad memory access) to the invariants they break.
 */
import { KernelBug, KernelWarning, MemoryFault } from "./errors";

export class Violation extends Error {
  override readonly name = "Violation";
  constructor(
    /** Invariant name from model/invariants.ts. */
    readonly invariant: string,
    readonly detail: string,
    /** Model-versus-implementation difference, when there is one. */
    readonly diff: string[] = [],
  ) {
    super(`${invariant}: ${detail}`);
  }
}

/** Rethrow a kernel failure as the violation of the invariant it breaks. */
export function asViolation(e: unknown): Violation {
  if (e instanceof Violation) return e;
  if (e instanceof KernelBug) return new Violation("KERNEL-BUG", e.message);
  if (e instanceof KernelWarning) return new Violation("INV-RO", e.message);
  if (e instanceof MemoryFault) return new Violation("INV-MEM", e.message);
  throw e;
}
