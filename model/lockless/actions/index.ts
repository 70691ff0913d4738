/** Every action of the lockless model, for spec.ts. */
export { clearYoung, testYoung } from "./aging";
export { pageFault } from "./fault";
export type { Result } from "./primitives";
export { fastPageFault, hwAccess } from "./vcpu";
export { getDirtyLog, writeProtectGfn } from "./write_protect";
export { unmapGfnRange, zapGfnRange, zapSp } from "./zap";
export { deleteMemslot, logDirtyPages } from "./memslot";
