/**
 * The lockless subject's operations (model/lockless/operations.ts, plain
 * data): how each prints, in kernel call syntax, and which kernel entry point
 * the implementation runs for it. What the model says each does is
 * model/lockless/spec.ts next().
 */
import type { LocklessOp } from "../../model/lockless/operations";
import type { KGen } from "../../runtime/step";
import { kvm_active_memslot } from "../../impl/lockless/kvm";
import type { LocklessWorld } from "./world";

export type { LocklessOp } from "../../model/lockless/operations";

const h = (n: number): string => `0x${n.toString(16)}`;
const b = (v: boolean): string => (v ? "1" : "0");
const role = (nested: boolean): string => (nested ? ", nested" : "");

/** Kernel call syntax (hvas and gfns in pages). */
export function opText(op: LocklessOp): string {
  switch (op.kind) {
    case "page_fault":
      return `kvm_mmu_page_fault(gfn=${h(op.gfn)}, level=${op.level}, write=${b(op.write)}, quadrant=${op.quadrant}${role(op.nested)})`;
    case "fast_page_fault":
      return `fast_page_fault(gfn=${h(op.gfn)}, level=${op.level}, write=${b(op.write)}, quadrant=${op.quadrant})`;
    case "hw_access":
      return `hw_access(gfn=${h(op.gfn)}, level=${op.level}, write=${b(op.write)}, quadrant=${op.quadrant}${role(op.nested)})`;
    case "clear_young":
      return `kvm_mmu_notifier_${op.flush ? "clear_flush_young" : "clear_young"}(${h(op.start)}, ${h(op.end)})`;
    case "test_young":
      return `kvm_mmu_notifier_test_young(${h(op.hva)})`;
    case "unmap_gfn_range":
      return `kvm_mmu_notifier_invalidate_range_start(${h(op.start)}, ${h(op.end)}${op.may_block ? ", may_block" : ""})`;
    case "zap_gfn_range":
      return `kvm_zap_gfn_range(${h(op.start)}, ${h(op.end)})`;
    case "zap_sp":
      return `kvm_mmu_zap_shadow_page(gfn=${h(op.gfn)}, level=${op.level}, quadrant=${op.quadrant}${role(op.nested)})`;
    case "get_dirty_log":
      return `kvm_get_dirty_log_protect(gfn=${h(op.gfn)})`;
    case "write_protect_gfn":
      return `kvm_vcpu_write_protect_gfn(gfn=${h(op.gfn)})`;
    case "log_dirty_pages":
      return `kvm_set_memory_region(flags ${op.enable ? "|= " : "&= ~"}KVM_MEM_LOG_DIRTY_PAGES)`;
    case "delete_memslot":
      return "kvm_set_memory_region(memory_size = 0) (KVM_MR_DELETE)";
  }
}

const num = (v: boolean): number => (v ? 1 : 0);

/** The implementation's generator for an operation; results normalised to numbers. */
export function* implOp(w: LocklessWorld, op: LocklessOp): KGen<number> {
  const kvm = w.kvm;
  const sym = kvm.sym;
  switch (op.kind) {
    case "page_fault":
      return yield* sym.kvm_mmu_page_fault(kvm, op.gfn, op.level, op.quadrant, op.write, op.nested);
    case "fast_page_fault":
      return yield* sym.fast_page_fault(kvm, op.gfn, op.level, op.quadrant, op.write);
    case "hw_access":
      return yield* sym.hw_access(kvm, op.gfn, op.level, op.quadrant, op.write, op.nested);
    case "clear_young":
      return num(yield* (op.flush ? sym.kvm_mmu_notifier_clear_flush_young : sym.kvm_mmu_notifier_clear_young)(kvm, op.start, op.end));
    case "test_young":
      return num(yield* sym.kvm_mmu_notifier_test_young(kvm, op.hva));
    case "unmap_gfn_range":
      return num(yield* sym.kvm_mmu_notifier_invalidate_range(kvm, op.start, op.end, op.may_block === true));
    case "zap_gfn_range":
      return yield* sym.kvm_zap_gfn_range(kvm, op.start, op.end);
    case "zap_sp":
      return yield* sym.kvm_mmu_zap_shadow_page(kvm, op.gfn, op.level, op.quadrant, op.nested);
    case "get_dirty_log":
      return yield* sym.kvm_get_dirty_log_protect(kvm, kvm_active_memslot(kvm), op.gfn);
    case "write_protect_gfn":
      return yield* sym.kvm_vcpu_write_protect_gfn(kvm, op.gfn);
    case "log_dirty_pages":
      return yield* sym.kvm_set_memory_region(kvm, op.enable);
    case "delete_memslot":
      return yield* sym.kvm_set_memory_region(kvm, "delete");
  }
}
