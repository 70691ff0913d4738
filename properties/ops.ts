/**
 * The operation catalogue: every operation a generated trace can contain, as
 * plain data (saved in counterexample files), with
 *   - how it prints (kernel call syntax),
 *   - how the implementation runs it (a kernel-function generator),
 *   - what the model says it does (an action and its return value).
 * One name per operation across the catalogue, the model and docs/.
 */
import type { pte_t } from "../impl/handlers";
import { kvm_age_hva, kvm_set_spte_hva, kvm_test_age_hva, kvm_unmap_hva_range } from "../impl/hva";
import { fast_page_fault, hw_access } from "../impl/hardware";
import {
  id_to_memslot,
  kvm_create_memslot,
  kvm_destroy_vm,
  kvm_memslot_mark_invalid,
  kvm_memslot_remove,
  kvm_mmu_invalid_all_pages,
} from "../impl/memslot_lifecycle";
import { kvm_vm_ioctl_get_dirty_log } from "../impl/write_protect";
import { fastPageFault, hwAccess } from "../model/actions/hardware";
import { beginDeleteSlot, createSlot, deleteSlot, destroyVm, finishDeleteSlot, unmapInvalidSlot } from "../model/actions/memslot";
import { ageHva, setSpteHva, testAgeHva, unmapHvaRange } from "../model/actions/notifier";
import { pageFault } from "../model/actions/page_fault";
import { invalidAllPages, zapPage } from "../model/actions/shadow_page";
import { getDirtyLog, shadowGfn } from "../model/actions/write_protect";
import type { OpDesc } from "../model/operations";
import type { ModelState } from "../model/state";
import type { KGen } from "../runtime/step";
import { flushStyle, type World } from "./world";

export type { OpDesc, OpKind } from "../model/operations";

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
      yield* kvm_mmu_invalid_all_pages(kvm);
      return 0;
    case "create_slot":
      return (yield* kvm_create_memslot(kvm, op.id, op.baseGfn, op.npages, op.userspaceAddr)) ? op.id : 0;
    case "delete_slot":
      return yield* kvm.sym.kvm_delete_memslot(kvm, op.id);
    case "begin_delete_slot": {
      const slot = yield* id_to_memslot(kvm, op.id);
      if (!slot) return 0;
      const invalid = yield* kvm_memslot_mark_invalid(kvm, slot);
      yield* kvm.sym.kvm_mmu_invalidate_memslot_pages_locked(kvm, [invalid]);
      w.pendingDeletes.set(op.id, { slot, invalid });
      return 1;
    }
    case "unmap_invalid_slot":
      yield* kvm.sym.unmap_memslot_rmap_nolock(kvm, w.pendingDeletes.get(op.id)!.invalid);
      return 0;
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

export interface ModelOutcome {
  s: ModelState;
  ret: number;
  /** For page_fault: entries before the add (pte_list_add's count depends on layout too). */
  sizeBefore?: number;
  added?: boolean;
  /** For page_fault: the rmap that gets the entry. */
  key?: string;
}

/** What the model says an operation does. */
export function modelOp(s: ModelState, op: OpDesc, w: Pick<World, "design">): ModelOutcome {
  switch (op.kind) {
    case "page_fault": {
      const r = pageFault(s, op.gfn, op.level, op.write, op.quadrant);
      return { s: r.s, ret: r.mapped ? (r.added ? 0 : -1) : -2, sizeBefore: r.sizeBefore, added: r.added, key: r.key };
    }
    case "unmap_hva_range":
      return unmapHvaRange(s, op.start, op.end);
    case "set_spte_hva":
      return setSpteHva(s, op.hva, op.pfn, op.write);
    case "age_hva":
      return ageHva(s, op.hva);
    case "test_age_hva":
      return testAgeHva(s, op.hva);
    case "shadow_gfn":
      return shadowGfn(s, op.gfn);
    case "get_dirty_log":
      return getDirtyLog(s, op.gfn);
    case "hw_access":
      return hwAccess(s, op.gfn, op.level, op.quadrant, op.write);
    case "fast_page_fault":
      return fastPageFault(s, op.gfn, op.quadrant);
    case "zap_page":
      return zapPage(s, op.gfn, op.level, op.quadrant, op.which);
    case "invalid_all_pages":
      return invalidAllPages(s);
    case "create_slot":
      return createSlot(s, { id: op.id, baseGfn: op.baseGfn, npages: op.npages, userspaceAddr: op.userspaceAddr });
    case "delete_slot":
      return deleteSlot(s, op.id, flushStyle(w.design));
    case "begin_delete_slot":
      return beginDeleteSlot(s, op.id);
    case "unmap_invalid_slot":
      return unmapInvalidSlot(s, op.id);
    case "finish_delete_slot":
      return finishDeleteSlot(s, op.id);
    case "destroy_vm":
      return destroyVm(s, flushStyle(w.design));
  }
}
