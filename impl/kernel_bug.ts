/**
 * The kernel's BUG()/BUG_ON(): the thread dies, as an oops would. The checker
 * reports it as KERNEL-BUG.
 */
export class KernelBug extends Error {
  override readonly name = "KernelBug";
  constructor(readonly where: string, readonly detail: string) {
    super(`BUG in ${where}: ${detail}`);
  }
}
