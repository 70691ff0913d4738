/**
 * The operations a generated trace can contain (model/operations.ts, plain
 * data saved in counterexample files): how each prints, in kernel call
 * syntax, and how the implementation runs it (a kernel-function generator).
 * What the model says each does is model/spec.ts next(). One name per
 * operation across this file, the model and docs/.
 */
import type { pte_t } from "../../impl/host_pte";
import { kvm_age_hva, kvm_set_spte_hva, kvm_test_age_hva, kvm_unmap_hva_range } from "../../impl/hva";
import { fast_page_fault, hw_access } from "../../impl/hardware";
import {
  id_to_memslot,
  kvm_create_memslot,
  kvm_destroy_vm,
  kvm_memslot_remove,
} from "../../impl/memslot_lifecycle";
import { __gfn_to_rmap } from "../../impl/memslot";
import { kvm_vm_ioctl_get_dirty_log } from "../../impl/write_protect";
import type { OpDesc } from "../../model/operations";
import type { KGen } from "../../runtime/step";
import type { World } from "./world";

export type { OpDesc, OpKind } from "../../model/operations";

const h = (n: number): string => `0x${n.toString(16)}`;
const b = (v: boolean): string => (v ? "1" : "0");

/** Kernel call syntax. */
export function opText(op: OpDesc): string {
  switch (op.kind) {
    case "page_fault":
      return `kvm_mmu_page_fault(gfn=${h(op.gfn)}, level=${op.level}, write=${b(op.write)}, quadrant=${op.quadrant})`;
    case "unmap_hva_range":
      return `kvm_unmap_hva_range(${h(op.start)}, ${h(op.end)})`;
    case "set_spte_hva":
      return `kvm_set_spte_hva(${h(op.hva)}, pte{pfn=${h(op.pfn)}, write=${b(op.write)}})`;
    case "age_hva":
      return `kvm_age_hva(${h(op.hva)})`;
    case "test_age_hva":
      return `kvm_test_age_hva(${h(op.hva)})`;
    case "shadow_gfn":
      return `rmap_write_protect(gfn=${h(op.gfn)})`;
    case "get_dirty_log":
      return `kvm_mmu_write_protect_pt_masked(gfn=${h(op.gfn)})`;
    case "hw_access":
      return `hw_access(gfn=${h(op.gfn)}, level=${op.level}, quadrant=${op.quadrant}, write=${b(op.write)})`;
    case "fast_page_fault":
      return `fast_page_fault(gfn=${h(op.gfn)}, quadrant=${op.quadrant})`;
    case "zap_page":
      return `kvm_mmu_zap_page(gfn=${h(op.gfn)}, level=${op.level}, quadrant=${op.quadrant}, ${op.which})`;
    case "invalid_all_pages":
      return "kvm_mmu_invalid_all_pages()";
    case "create_slot":
      return `kvm_set_memory_region(CREATE, slot=${op.id}, gfn=${h(op.baseGfn)}, npages=${op.npages}, hva=${h(op.userspaceAddr)})`;
    case "delete_slot":
      return `kvm_set_memory_region(DELETE, slot=${op.id})`;
    case "begin_delete_slot":
      return `kvm_set_memory_region(DELETE, slot=${op.id}) up to the ops switch`;
    case "unmap_invalid_slot":
      return `unmap_memslot_rmap_nolock(slot=${op.id})`;
    case "unmap_invalid_rmap":
      return `kvm_unmap_invalid_rmapp_nolock(slot=${op.id}, gfn=${h(op.gfn)}, level=${op.level})`;
    case "finish_delete_slot":
      return `kvm_set_memory_region(DELETE, slot=${op.id}) from the uninstall on`;
    case "destroy_vm":
      return "kvm_destroy_vm()";
  }
}

/** The implementation's generator for an operation. Results are normalised to numbers. */
export function* implOp(w: World, op: OpDesc): KGen<number> {
  const kvm = w.kvm;
  switch (op.kind) {
    case "page_fault": {
      const r = yield* kvm.sym.kvm_mmu_page_fault(kvm, op.gfn, op.level, op.write, op.quadrant);
      return r.mapped ? r.rmap_count : -2;
    }
    case "unmap_hva_range":
      return yield* kvm_unmap_hva_range(kvm, op.start, op.end);
    case "set_spte_hva": {
      const pte: pte_t = { pfn: op.pfn, write: op.write };
      return yield* kvm_set_spte_hva(kvm, op.hva, pte);
    }
    case "age_hva":
      return yield* kvm_age_hva(kvm, op.hva);
    case "test_age_hva":
      return yield* kvm_test_age_hva(kvm, op.hva);
    case "shadow_gfn":
      return (yield* kvm.sym.kvm_mmu_shadow_gfn(kvm, op.gfn)) ? 1 : 0;
    case "get_dirty_log":
      return (yield* kvm_vm_ioctl_get_dirty_log(kvm, op.gfn)) ? 1 : 0;
    case "hw_access":
      return yield* hw_access(kvm, op.gfn, op.level, op.quadrant, op.write);
    case "fast_page_fault":
      return yield* fast_page_fault(kvm, op.gfn, op.quadrant);
    case "zap_page":
      return yield* kvm.sym.kvm_mmu_zap_page(kvm, op.gfn, op.level, op.quadrant, op.which);
    case "invalid_all_pages":
      yield* kvm.sym.kvm_mmu_invalid_all_pages(kvm);
      return 0;
    case "create_slot":
      return (yield* kvm_create_memslot(kvm, op.id, op.baseGfn, op.npages, op.userspaceAddr)) ? op.id : 0;
    case "delete_slot":
      return yield* kvm.sym.kvm_delete_memslot(kvm, op.id);
    case "begin_delete_slot": {
      const slot = yield* id_to_memslot(kvm, op.id);
      if (!slot) return 0;
      const invalid = yield* kvm.sym.kvm_memslot_mark_invalid(kvm, slot);
      yield* kvm.sym.kvm_mmu_invalidate_memslot_pages_locked(kvm, [invalid]);
      w.pendingDeletes.set(op.id, { slot, invalid });
      return 1;
    }
    case "unmap_invalid_slot":
      yield* kvm.sym.unmap_memslot_rmap_nolock(kvm, w.pendingDeletes.get(op.id)!.invalid);
      return 0;
    case "unmap_invalid_rmap": {
      const p = w.pendingDeletes.get(op.id)!;
      yield* kvm.sym.kvm_unmap_invalid_rmapp_nolock(kvm, __gfn_to_rmap(kvm, op.gfn, op.level, p.invalid));
      return 0;
    }
    case "finish_delete_slot": {
      const p = w.pendingDeletes.get(op.id)!;
      w.pendingDeletes.delete(op.id);
      yield* kvm_memslot_remove(kvm, p.slot, p.invalid);
      return 1;
    }
    case "destroy_vm":
      yield* kvm_destroy_vm(kvm);
      return 0;
  }
}
