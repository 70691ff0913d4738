/**
 * Write protection and dirty logging under mmu_lock (mmu.c 6.15, kvm_main.c;
 * spec §5.2 W): the rmap walks with for_each_rmap_spte (no rmap lock), the
 * per-spte updates through mmu_spte_update, and the dirty bitmap.
 */
import { type KGen, load, lockOr, warn, xchg } from "../../runtime/step";
import { fieldOf, fixed_field, gfn_in_slot, KIND, type Kvm, kvm_slot_dirty_track_enabled, MEMSLOT, PG_LEVEL_4K } from "./kvm";
import { is_mmu_writable_spte, is_writable_pte, PT_WRITABLE_MASK, shadow_dirty_mask, shadow_mmu_writable_mask, spte_ad_enabled } from "./spte_bits";
import { kvm_flush_remote_tlbs, write_lock, write_unlock } from "./steps";

const PT_WRITABLE_SHIFT = 1;

/** &slot->dirty_bitmap[gfn - base_gfn]. DEVIATION: one word per page. */
function dirty_word(kvm: Kvm, slot: number, gfn: number): number {
  return fieldOf(fixed_field(kvm, slot, MEMSLOT.dirty_bitmap, KIND.memslot), gfn - fixed_field(kvm, slot, MEMSLOT.base_gfn, KIND.memslot));
}

/** mark_page_dirty_in_slot: set_bit_le in the slot's dirty bitmap, when the slot (the one the caller picked up) is dirty-logged. */
export function* mark_page_dirty_in_slot(kvm: Kvm, slot: number, gfn: number): KGen<void> {
  if (!kvm_slot_dirty_track_enabled(kvm, slot)) return;
  yield lockOr(dirty_word(kvm, slot, gfn), KIND.dirtyBitmap, 1, `mark_page_dirty_in_slot: set_bit_le(gfn 0x${gfn.toString(16)}, memslot->dirty_bitmap)`);
}

/** spte_write_protect: clear W (and MMU-writable when protecting a shadowed page table). True if a flush is needed. */
export function* spte_write_protect(kvm: Kvm, sptep: number, pt_protect: boolean): KGen<boolean> {
  let spte = yield load(sptep, KIND.spt, "spte_write_protect: spte = *sptep");
  if (!is_writable_pte(spte) && !(pt_protect && is_mmu_writable_spte(spte))) return false;
  if (pt_protect) spte &= ~shadow_mmu_writable_mask;
  spte &= ~PT_WRITABLE_MASK;
  return yield* kvm.sym.mmu_spte_update(kvm, sptep, spte);
}

/** rmap_write_protect: every spte of the rmap. */
export function* rmap_write_protect(kvm: Kvm, rmap_head: number, pt_protect: boolean): KGen<boolean> {
  let flush = false;
  yield* kvm.sym.for_each_rmap_spte(kvm, rmap_head, function* (sptep) {
    flush = (yield* kvm.sym.spte_write_protect(kvm, sptep, pt_protect)) || flush;
    return false;
  });
  return flush;
}

/** spte_clear_dirty: A/D-enabled sptes only. */
export function* spte_clear_dirty(kvm: Kvm, sptep: number): KGen<boolean> {
  let spte = yield load(sptep, KIND.spt, "spte_clear_dirty: spte = *sptep");
  if (!spte_ad_enabled(spte)) yield warn("spte_clear_dirty: KVM_MMU_WARN_ON(!spte_ad_enabled(spte))");
  spte &= ~shadow_dirty_mask;
  return yield* kvm.sym.mmu_spte_update(kvm, sptep, spte);
}

/** __rmap_clear_dirty (PML): clear D on A/D-enabled sptes, W (atomically) on A/D-disabled and WRPROT_ONLY ones. */
export function* __rmap_clear_dirty(kvm: Kvm, rmap_head: number): KGen<boolean> {
  let flush = false;
  yield* kvm.sym.for_each_rmap_spte(kvm, rmap_head, function* (sptep) {
    if (kvm.sym.spte_ad_need_write_protect(yield load(sptep, KIND.spt, "__rmap_clear_dirty: load *sptep"))) {
      flush = (yield* kvm.sym.test_and_clear_bit(kvm, PT_WRITABLE_SHIFT, sptep, "__rmap_clear_dirty")) || flush;
    } else {
      flush = (yield* kvm.sym.spte_clear_dirty(kvm, sptep)) || flush;
    }
    return false;
  });
  return flush;
}

/**
 * kvm_arch_mmu_enable_log_dirty_pt_masked for one page: PML clears dirty state
 * (kvm_mmu_clear_dirty_pt_masked), else write-protect
 * (kvm_mmu_write_protect_pt_masked); each does the TDP MMU's part
 * (kvm_tdp_mmu_clear_dirty_pt_masked) and returns before the rmaps unless
 * kvm_memslots_have_rmaps. DEVIATION: the TDP MMU's part is not simulated
 * (the stub has no W or D bit); the two callees are one function.
 */
export function* kvm_arch_mmu_enable_log_dirty_pt_masked(kvm: Kvm, slot: number, gfn: number): KGen<void> {
  if (!(yield* kvm.sym.kvm_memslots_have_rmaps(kvm))) return;
  const rmap_head = kvm.sym.gfn_to_rmap(kvm, gfn, PG_LEVEL_4K, slot);
  if (kvm.cfg.pml) yield* kvm.sym.__rmap_clear_dirty(kvm, rmap_head);
  else yield* kvm.sym.rmap_write_protect(kvm, rmap_head, false);
}

/**
 * kvm_get_dirty_log_protect for the bitmap word of one page: under mmu_lock,
 * take the word (xchg to 0) and re-protect the page; flush after unlocking.
 * Returns 1 when the page was logged dirty; 0 for a slot that is not dirty-logged
 * (the ioctl fails) or a gfn outside it. DEVIATION: one page, not the slot.
 * The caller holds slots_lock (kvm_active_memslot), as the kernel's does.
 */
export function* kvm_get_dirty_log_protect(kvm: Kvm, slot: number, gfn: number): KGen<number> {
  if (!kvm_slot_dirty_track_enabled(kvm, slot) || !gfn_in_slot(kvm, gfn)) return 0;
  const word = dirty_word(kvm, slot, gfn);
  yield write_lock("kvm_get_dirty_log_protect");
  let mask = 0;
  if (yield load(word, KIND.dirtyBitmap, "kvm_get_dirty_log_protect: load dirty_bitmap[i]")) {
    mask = yield xchg(word, KIND.dirtyBitmap, 0, "kvm_get_dirty_log_protect: mask = xchg(&dirty_bitmap[i], 0)");
    if (mask) yield* kvm.sym.kvm_arch_mmu_enable_log_dirty_pt_masked(kvm, slot, gfn);
  }
  yield write_unlock("kvm_get_dirty_log_protect");
  if (mask) yield kvm_flush_remote_tlbs("kvm_get_dirty_log_protect");
  return mask ? 1 : 0;
}

/**
 * kvm_mmu_slot_gfn_write_protect(kvm, slot, gfn, min_level): every level from
 * min_level up, if kvm_memslots_have_rmaps; then the TDP MMU's
 * kvm_tdp_mmu_write_protect_gfn. DEVIATION: the TDP MMU's part is not
 * simulated (the stub has no W bit: it write-protects nothing).
 */
export function* kvm_mmu_slot_gfn_write_protect(kvm: Kvm, slot: number, gfn: number, min_level: number): KGen<boolean> {
  let write_protected = false;
  if (!(yield* kvm.sym.kvm_memslots_have_rmaps(kvm))) return write_protected;
  for (let i = min_level; i <= kvm.cfg.KVM_MAX_HUGEPAGE_LEVEL; ++i) {
    write_protected = (yield* kvm.sym.rmap_write_protect(kvm, kvm.sym.gfn_to_rmap(kvm, gfn, i, slot), true)) || write_protected;
  }
  return write_protected;
}
