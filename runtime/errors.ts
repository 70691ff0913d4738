/**
 * Typed, named failures. Tests recognise them by class and `name`.
 *
 * KernelBug      - the kernel's BUG()/BUG_ON() (the thread dies, as an oops would)
 * KernelWarning  - WARN_ON() fired; raised only by drivers that treat warnings as fatal
 * MemoryFault    - an access the kernel would make to freed, never-allocated or
 *                  wrongly-typed memory (deref validity, INV-SP-LIVE, INV-DESC-LIVE)
 * UsageError     - bad input to the tool itself (exit status 2 in the CLI)
 */
export class KernelBug extends Error {
  override readonly name = "KernelBug";
  constructor(readonly where: string, readonly detail: string) {
    super(`BUG in ${where}: ${detail}`);
  }
}

export class KernelWarning extends Error {
  override readonly name = "KernelWarning";
  constructor(readonly where: string) {
    super(`WARN_ON in ${where}`);
  }
}

export type FaultKind = "use-after-free" | "unallocated" | "wrong-object" | "double-free";

export class MemoryFault extends Error {
  override readonly name = "MemoryFault";
  constructor(readonly fault: FaultKind, readonly addr: number, readonly detail: string) {
    super(`${fault} at 0x${addr.toString(16)}: ${detail}`);
  }
}

export class UsageError extends Error {
  override readonly name = "UsageError";
}
