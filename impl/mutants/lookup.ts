/** Mutants of the gfn -> rmap lookup and of the translation checks (spec §5 M7, M8, M10 and neighbours). */
import { KernelBug } from "../../runtime/errors";
import { flushRemoteTlbs, type KGen, load, reloadRemoteMmus, spinLock, spinUnlock, srcuReadLock, srcuReadUnlock, store } from "../../runtime/step";
import type { pte_t } from "../handlers";
import type { hva_handler } from "../hva";
import { KVM, KVM_NR_PAGE_SIZES, type Kvm, MEMSLOT, PT_PAGE_TABLE_LEVEL } from "../kvm";
import { gfn_to_index, KVM_HPAGE_GFN_SHIFT, kvm_memslots, memslots_slots, slot_field } from "../memslot";
import { id_to_memslot, install_without, kvm_memslot_mark_invalid } from "../memslot_lifecycle";
import { page_header } from "../mmu_page";
import type { FaultResult } from "../page_fault";
import { gfn_to_pfn_memslot, mapping_level } from "../page_fault";
import { sp_spt } from "../mmu_page";
import { WORD_BYTES } from "../../runtime/memory";

/** gfn-to-index-off-by-one: __gfn_to_rmap indexes one head too far. */
export function gfn_to_rmap_off_by_one(kvm: Kvm, gfn: number, level: number, slot: number): number {
  if (!slot) throw new KernelBug("__gfn_to_rmap", "NULL pointer dereference: no memslot for gfn");
  const base = slot_field(kvm, slot, MEMSLOT.base_gfn);
  return slot_field(kvm, slot, MEMSLOT.rmap0 + level - 1) + (gfn_to_index(kvm, gfn, base, level) + 1) * WORD_BYTES;
}

/** rmap-add-wrong-level: rmap_add files every spte in the level-1 rmap instead of sp->role.level's. */
export function* rmap_add_level1(kvm: Kvm, spte: number, gfn: number): KGen<number> {
  page_header(kvm, spte);
  const { slot, rmapp } = yield* kvm.sym.gfn_to_rmap(kvm, gfn, 1);
  return yield* kvm.sym.slot_rmap_add(kvm, slot, spte, rmapp);
}

/** hva-range-misses-last: kvm_handle_hva_range stops before idx_end at every level. */
export function* handle_hva_range_short(kvm: Kvm, start: number, end: number, data: pte_t | null, handler: hva_handler): KGen<number> {
  let ret = 0;
  const slots = yield* kvm_memslots(kvm);
  for (const memslot of memslots_slots(kvm, slots)) {
    const uaddr = slot_field(kvm, memslot, MEMSLOT.userspace_addr);
    const base = slot_field(kvm, memslot, MEMSLOT.base_gfn);
    const hva_start = Math.max(start, uaddr);
    const hva_end = Math.min(end, uaddr + slot_field(kvm, memslot, MEMSLOT.npages));
    if (hva_start >= hva_end) continue;
    const gfn_start = base + (hva_start - uaddr);
    const gfn_end = base + (hva_end - uaddr);
    for (let j = PT_PAGE_TABLE_LEVEL; j < PT_PAGE_TABLE_LEVEL + KVM_NR_PAGE_SIZES; ++j) {
      let idx = gfn_to_index(kvm, gfn_start, base, j);
      const idx_end = gfn_to_index(kvm, gfn_end - 1, base, j);
      let rmapp = kvm.sym.__gfn_to_rmap(kvm, gfn_start, j, memslot);
      for (; idx < idx_end; ++idx, rmapp += 8) {
        if (handler === "rmap_unmap") ret |= yield* kvm.sym.slot_rmap_unmap(kvm, memslot, rmapp);
        else if (handler === "rmap_set_pte") ret |= yield* kvm.sym.slot_rmap_set_pte(kvm, memslot, rmapp, data!);
        else if (handler === "rmap_age") ret |= yield* kvm.sym.slot_rmap_age(kvm, memslot, rmapp);
        else ret |= yield* kvm.sym.slot_rmap_test_age(kvm, memslot, rmapp);
      }
    }
  }
  return ret;
}

/** M7 fault-ignores-invalid-slot: the vCPU fault path translates through a slot marked KVM_MEMSLOT_INVALID. */
export function* page_fault_ignores_invalid(kvm: Kvm, gfn: number, max_level: number, write: boolean, quadrant: number): KGen<FaultResult> {
  yield srcuReadLock("kvm_mmu_page_fault: srcu_read_lock");
  const slot = yield* kvm.sym.gfn_to_memslot(kvm, gfn);
  if (!slot) {
    yield srcuReadUnlock("kvm_mmu_page_fault: srcu_read_unlock");
    return { mapped: false, sptep: 0, rmap_count: -1 };
  }
  const level = mapping_level(kvm, slot, gfn, max_level);
  const shift = KVM_HPAGE_GFN_SHIFT(kvm, level);
  const lgfn = gfn & ~((1 << shift) - 1);
  const pfn = gfn_to_pfn_memslot(kvm, slot, lgfn);
  yield spinLock("__direct_map: spin_lock(mmu_lock)");
  const span = kvm.cfg.sptesPerPage << shift;
  const sp = yield* kvm.sym.kvm_mmu_get_page(kvm, gfn & ~(span - 1), level, quadrant);
  const sptep = sp_spt(kvm, sp) + ((lgfn - (gfn & ~(span - 1))) >> shift) * 8;
  const rmap_count = yield* kvm.sym.mmu_set_spte(kvm, sptep, level, pfn, write, lgfn);
  yield spinUnlock("__direct_map: spin_unlock(mmu_lock)");
  yield srcuReadUnlock("kvm_mmu_page_fault: srcu_read_unlock");
  return { mapped: true, sptep, rmap_count };
}

/** M8 shadow-ignores-invalid-slot: a guest page table in a slot being deleted is shadowed (write-protected) anyway. */
export function* shadow_gfn_ignores_invalid(kvm: Kvm, gfn: number): KGen<boolean> {
  yield srcuReadLock("kvm_mmu_page_fault: srcu_read_lock");
  const slot = yield* kvm.sym.gfn_to_memslot(kvm, gfn);
  if (!slot) {
    yield srcuReadUnlock("kvm_mmu_page_fault: srcu_read_unlock");
    return false;
  }
  yield spinLock("kvm_mmu_get_page: spin_lock(mmu_lock)");
  const flush = yield* kvm.sym.rmap_write_protect(kvm, gfn);
  if (flush) yield flushRemoteTlbs("kvm_mmu_get_page: kvm_flush_remote_tlbs");
  yield spinUnlock("kvm_mmu_get_page: spin_unlock(mmu_lock)");
  yield srcuReadUnlock("kvm_mmu_page_fault: srcu_read_unlock");
  return flush;
}

/**
 * ops-switched-before-install: the order of the issue text taken literally:
 * under mmu_lock bump the generation, reload and switch the *installed* slot
 * to invalid_rmap_ops, and only then install the KVM_MEMSLOT_INVALID copy and
 * synchronize_srcu. A vCPU fault already past its translation adds to a slot
 * whose rmaps are invalid.
 */
export function* delete_memslot_switch_first(kvm: Kvm, id: number): KGen<number> {
  const slot = yield* id_to_memslot(kvm, id);
  if (!slot) return 0;
  yield spinLock("kvm_mmu_invalidate_memslot_pages: spin_lock(mmu_lock)");
  const gen = yield load(kvm.field(KVM.mmu_valid_gen), "kvm", "kvm_mmu_invalidate_memslot_pages: load kvm->arch.mmu_valid_gen");
  yield store(kvm.field(KVM.mmu_valid_gen), "kvm", gen + 1, "kvm_mmu_invalidate_memslot_pages: kvm->arch.mmu_valid_gen++");
  yield reloadRemoteMmus("kvm_mmu_invalidate_memslot_pages: kvm_reload_remote_mmus");
  yield* kvm.sym.switch_memslot_rmap_ops(kvm, slot);
  yield spinUnlock("kvm_mmu_invalidate_memslot_pages: spin_unlock(mmu_lock)");
  const invalid = yield* kvm_memslot_mark_invalid(kvm, slot);
  yield* kvm.sym.unmap_memslot_rmap_nolock(kvm, invalid);
  yield spinLock("kvm_mmu_invalidate_memslot_pages: spin_lock(mmu_lock) (barrier)");
  yield spinUnlock("kvm_mmu_invalidate_memslot_pages: spin_unlock(mmu_lock) (barrier)");
  yield* install_without(kvm, invalid);
  yield* kvm.sym.kvm_free_memslot(kvm, invalid);
  return 1;
}
