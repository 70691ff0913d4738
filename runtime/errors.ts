/**
 * The engine's typed failures. The engine names no invariant: the checker
 * maps each of these to the invariant it breaks (checker/violation.ts).
 *
 * MemoryFault   an access to freed, never-allocated or wrongly-typed memory
 * WarningFired  a `warn` step, under a machine that treats warnings as fatal
 * Deadlock      no thread can run while some are not done
 * Livelock      a run did not finish within its step budget
 * LockMisuse    a thread released a lock it does not hold
 * ContextViolation  a step not allowed in the context that performs it: a sleeping
 *               call in atomic context (softirq, a spin lock held, an RCU read
 *               section), or a lock taken both in softirq and in process context
 */
export type FaultKind = "use-after-free" | "unallocated" | "wrong-object" | "double-free";

export class MemoryFault extends Error {
  override readonly name = "MemoryFault";
  constructor(readonly fault: FaultKind, readonly addr: number, readonly detail: string) {
    super(`${fault} at 0x${addr.toString(16)}: ${detail}`);
  }
}

export class WarningFired extends Error {
  override readonly name = "WarningFired";
  constructor(readonly where: string) {
    super(`WARN_ON in ${where}`);
  }
}

export class Deadlock extends Error {
  override readonly name = "Deadlock";
}

export class Livelock extends Error {
  override readonly name = "Livelock";
}

export class LockMisuse extends Error {
  override readonly name = "LockMisuse";
}

export class ContextViolation extends Error {
  override readonly name = "ContextViolation";
}
