/** Mutants of the memslot lifecycle and of who holds which lock (spec §5 M3, M7, M8, M9, M12, M14 and neighbours). */
import {

  type KGen,
  load,
  reloadRemoteMmus,
  spinLock,
  spinUnlock,
  srcuReadLock,
  srcuReadUnlock,
  store,
} from "../../runtime/step";
import { KVM, KVM_NR_PAGE_SIZES, type Kvm, MEMSLOT } from "../kvm";
import { rmap_array_len, slot_field } from "../memslot";
import { sp_gfn, sp_level, sp_quadrant } from "../mmu_page";

/** M3 free-descs-before-uninstall: the lock-free unmap is followed at once by free_meslot_rmap_desc_nolock, while the slot is still installed. */
export function* invalidate_then_free_descs(kvm: Kvm, slots: number[]): KGen<void> {
  yield* kvm.sym.kvm_mmu_invalidate_memslot_pages_locked(kvm, slots);
  for (const slot of slots) yield* kvm.sym.unmap_memslot_rmap_nolock(kvm, slot);
  yield spinLock("kvm_mmu_invalidate_memslot_pages: spin_lock(mmu_lock) (barrier)");
  yield spinUnlock("kvm_mmu_invalidate_memslot_pages: spin_unlock(mmu_lock) (barrier)");
  for (const slot of slots) yield* kvm.sym.free_meslot_rmap_desc_nolock(kvm, slot);
}

/** M9 unmap-slot-skips-last-index: the lock-free unmap stops one rmap index short at every level. */
export function* unmap_slot_skips_last(kvm: Kvm, slot: number): KGen<void> {
  const base = slot_field(kvm, slot, MEMSLOT.base_gfn);
  const npages = slot_field(kvm, slot, MEMSLOT.npages);
  for (let level = 1; level <= KVM_NR_PAGE_SIZES; level++) {
    const arr = slot_field(kvm, slot, MEMSLOT.rmap0 + level - 1);
    const n = rmap_array_len(kvm, base, npages, level);
    for (let idx = 0; idx < n - 1; idx++) yield* kvm.sym.kvm_unmap_invalid_rmapp_nolock(kvm, arr + idx * 8);
  }
}

/** unmap-slot-skips-large-levels: the lock-free unmap walks only the 4K rmaps. */
export function* unmap_slot_level1_only(kvm: Kvm, slot: number): KGen<void> {
  const base = slot_field(kvm, slot, MEMSLOT.base_gfn);
  const npages = slot_field(kvm, slot, MEMSLOT.npages);
  const arr = slot_field(kvm, slot, MEMSLOT.rmap0);
  for (let idx = 0; idx < rmap_array_len(kvm, base, npages, 1); idx++) yield* kvm.sym.kvm_unmap_invalid_rmapp_nolock(kvm, arr + idx * 8);
}

/** M12 no-gen-bump: the slot's rmaps become invalid without bumping mmu_valid_gen: live pages' sptes are cleared with no TLB flush. */
export function* invalidate_locked_no_gen_bump(kvm: Kvm, slots: number[]): KGen<void> {
  yield spinLock("kvm_mmu_invalidate_memslot_pages: spin_lock(mmu_lock)");
  yield reloadRemoteMmus("kvm_mmu_invalidate_memslot_pages: kvm_reload_remote_mmus");
  for (const slot of slots) yield* kvm.sym.switch_memslot_rmap_ops(kvm, slot);
  yield spinUnlock("kvm_mmu_invalidate_memslot_pages: spin_unlock(mmu_lock)");
}

/** ops-switched-without-lock: slot->arch.ops is switched to invalid_rmap_ops outside mmu_lock. */
export function* invalidate_switch_unlocked(kvm: Kvm, slots: number[]): KGen<void> {
  yield spinLock("kvm_mmu_invalidate_memslot_pages: spin_lock(mmu_lock)");
  const gen = yield load(kvm.field(KVM.mmu_valid_gen), "kvm", "kvm_mmu_invalidate_memslot_pages: load kvm->arch.mmu_valid_gen");
  yield store(kvm.field(KVM.mmu_valid_gen), "kvm", gen + 1, "kvm_mmu_invalidate_memslot_pages: kvm->arch.mmu_valid_gen++");
  yield reloadRemoteMmus("kvm_mmu_invalidate_memslot_pages: kvm_reload_remote_mmus");
  yield spinUnlock("kvm_mmu_invalidate_memslot_pages: spin_unlock(mmu_lock)");
  for (const slot of slots) yield* kvm.sym.switch_memslot_rmap_ops(kvm, slot);
}

/** N13 free-memslot-keeps-descs: kvm_free_memslot frees only the head arrays (the v3.10 way) although invalid rmaps keep their descs. */
export function* free_memslot_arrays_only(kvm: Kvm, slot: number): KGen<void> {
  yield* kvm.sym.kvm_arch_free_memslot(kvm, slot);
}

/** M14 baseline-delete-skips-zap: on the v3.10 baseline, deleting a slot does not zap its shadow pages. */
export function* flush_shadow_memslot_nothing(kvm: Kvm, slot: number): KGen<void> {
  yield reloadRemoteMmus("kvm_arch_flush_shadow_memslot: kvm_reload_remote_mmus");
}

/** zap-without-lock: a shadow page is zapped without mmu_lock. */
export function* zap_page_unlocked(kvm: Kvm, gfn: number, level: number, quadrant: number, which: "oldest" | "newest"): KGen<number> {
  yield srcuReadLock("mmu_shrink: srcu_read_lock");
  const invalid_list: number[] = [];
  const pages = kvm.active_mmu_pages.filter((sp) => sp_gfn(kvm, sp) === gfn && sp_level(kvm, sp) === level && sp_quadrant(kvm, sp) === quadrant);
  const sp = which === "oldest" ? pages[pages.length - 1] : pages[0];
  if (sp) yield* kvm.sym.kvm_mmu_prepare_zap_page(kvm, sp, invalid_list);
  yield* kvm.sym.kvm_mmu_commit_zap_page(kvm, invalid_list);
  yield srcuReadUnlock("mmu_shrink: srcu_read_unlock");
  return sp ? 1 : 0;
}

/** unlock-before-free: kvm_mmu_zap_all drops mmu_lock between prepare and commit, so pages are freed unlocked. */
export function* zap_all_unlock_before_commit(kvm: Kvm): KGen<void> {
  const invalid_list: number[] = [];
  yield spinLock("kvm_mmu_zap_all: spin_lock(mmu_lock)");
  while (kvm.active_mmu_pages.length > 0) yield* kvm.sym.kvm_mmu_prepare_zap_page(kvm, kvm.active_mmu_pages[0]!, invalid_list);
  yield spinUnlock("kvm_mmu_zap_all: spin_unlock(mmu_lock)");
  yield* kvm.sym.kvm_mmu_commit_zap_page(kvm, invalid_list);
}

/** commit-skips-flush: kvm_mmu_commit_zap_page frees pages without kvm_flush_remote_tlbs (a vCPU may still be walking them). */
export function* commit_zap_no_flush(kvm: Kvm, invalid_list: number[]): KGen<void> {
  if (invalid_list.length === 0) return;
  while (invalid_list.length > 0) yield* kvm.sym.kvm_mmu_free_page(kvm, invalid_list.shift()!);
}

