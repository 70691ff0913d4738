/**
 * KVM_SET_USER_MEMORY_REGION with memory_size 0: the deletion of the slot
 * (KVM_MR_DELETE), as 6.15 does it (virt/kvm/kvm_main.c, arch/x86/kvm/x86.c,
 * arch/x86/kvm/mmu/mmu.c):
 *
 *   kvm_set_memory_region: !mem->memory_size -> kvm_set_memslot(kvm, old, NULL, KVM_MR_DELETE)
 *   kvm_set_memslot: invalid_slot = kzalloc(); kvm_invalidate_memslot:
 *       invalid_slot = a copy of old (kvm_copy_memslot: the same rmaps, bitmap,
 *       gfns and hvas) with KVM_MEMSLOT_INVALID; kvm_swap_active_memslots
 *       publishes it (rcu_assign_pointer) and waits for every kvm->srcu
 *       reader (synchronize_srcu_expedited): from then on a vCPU fault finds
 *       the INVALID slot and retries (kvm_mmu_faultin_pfn), so "no new shadow
 *       pages pointing to a deleted ... memslot will be created";
 *       kvm_arch_flush_shadow_memslot then zaps what maps the slot
 *   kvm_delete_memslot -> kvm_activate_memslot(kvm, invalid_slot, NULL):
 *       a second swap publishing no slot, and a second wait
 *   kfree(invalid_slot)
 *   kvm_commit_memory_region(KVM_MR_DELETE) -> kvm_free_memslot(old):
 *       kvm_destroy_dirty_bitmap, kvm_arch_free_memslot (memslot_rmap_free:
 *       the rmap arrays), kfree(old)
 *
 * x86's kvm_arch_flush_shadow_memslot zaps every shadow page
 * (kvm_mmu_zap_all_fast) when kvm_memslot_flush_zap_all(): a default VM
 * (KVM_X86_DEFAULT_VM) with KVM_X86_QUIRK_SLOT_ZAP_ALL, which is on by
 * default (userspace may disable it; some other VM types zap the slot
 * only); otherwise it zaps the slot's mappings only (kvm_mmu_zap_memslot).
 * Both are here; the configuration's `KVM_X86_QUIRK_SLOT_ZAP_ALL: false`
 * picks the second (config.ts).
 *
 * The caller holds kvm->slots_lock (not simulated: the checker refuses a
 * trace that runs another slots_lock holder, or an mmu_notifier
 * invalidation (see kvm_swap_active_memslots' DEVIATION), beside a deletion,
 * and any operation but a vCPU's or an ager's after one).
 * DEVIATION: kvm_arch_guest_memory_reclaimed, slots_arch_lock, the memslot
 * generation, lpage_info and the inactive memslot set (kvm_replace_memslot)
 * are not simulated; the old slot is `kvm.slot` or, after a flags change, the
 * copy that change published.
 */
import { alloc, free, type KGen } from "../../runtime/step";
import { fixed_field, init_field, KIND, type Kvm, KVM_MEMSLOT_INVALID, MEMSLOT, memslot_flags, memslotWords, MMU_PAGE } from "./kvm";
import type { kvm_gfn_range } from "./aging";
import { kvm_flush_remote_tlbs, write_lock, write_unlock } from "./steps";
import { tdp_mmu_enabled } from "./tdp_mmu";

/**
 * kvm_copy_memslot(dest, src): every field, the rmaps' and the bitmap's
 * pointers included, and the flags, into a slot nobody can reach yet
 * (no steps: init_field).
 */
export function kvm_copy_memslot(kvm: Kvm, dest: number, src: number): void {
  for (let off = 0; off < memslotWords(kvm); off++) init_field(kvm, dest, off, KIND.memslot, fixed_field(kvm, src, off, KIND.memslot));
  kvm.mem.objectAt(dest)!.tag = memslot_flags(kvm, src);
}

/**
 * kvm_invalidate_memslot: the INVALID copy of old published (and its readers
 * waited for), then kvm_arch_flush_shadow_memslot.
 */
export function* kvm_invalidate_memslot(kvm: Kvm, old: number, invalid_slot: number): KGen<void> {
  kvm_copy_memslot(kvm, invalid_slot, old);
  kvm.mem.objectAt(invalid_slot)!.tag |= KVM_MEMSLOT_INVALID; // invalid_slot->flags |= KVM_MEMSLOT_INVALID
  yield* kvm.sym.kvm_swap_active_memslots(kvm, invalid_slot);
  yield* kvm.sym.kvm_arch_flush_shadow_memslot(kvm, old);
}

/** kvm_delete_memslot: kvm_activate_memslot(kvm, invalid_slot, NULL): publish no slot, wait for the INVALID slot's readers. */
export function* kvm_delete_memslot(kvm: Kvm, old: number, invalid_slot: number): KGen<void> {
  yield* kvm.sym.kvm_swap_active_memslots(kvm, 0);
}

/** kvm_arch_flush_shadow_memslot: kvm_mmu_zap_all_fast if kvm_memslot_flush_zap_all(kvm), else kvm_mmu_zap_memslot. */
export function* kvm_arch_flush_shadow_memslot(kvm: Kvm, slot: number): KGen<void> {
  if (kvm.cfg.KVM_X86_QUIRK_SLOT_ZAP_ALL !== false) yield* kvm.sym.kvm_mmu_zap_all_fast(kvm);
  else yield* kvm.sym.kvm_mmu_zap_memslot(kvm, slot);
}

/** BATCH_ZAP_PAGES (mmu.c). */
export const BATCH_ZAP_PAGES = 10;

/**
 * kvm_mmu_zap_all_fast: under mmu_lock, make every shadow page obsolete
 * (mmu_valid_gen toggled; the TDP MMU's roots invalidated), request every
 * vCPU to reload its root, and kvm_zap_obsolete_pages; the invalidated TDP
 * MMU roots are zapped after mmu_lock is dropped.
 * DEVIATION: no generation number: the obsolete pages are those on
 * active_mmu_pages when the toggle happens (a page created later is not
 * obsolete, as in the kernel); the vCPU's root reload is not simulated (no
 * root is). The TDP MMU stub's roots: kvm_tdp_mmu_zap_invalidated_roots is
 * the stub's unmap of the whole slot, under mmu_lock for write (the kernel:
 * for read).
 */
export function* kvm_mmu_zap_all_fast(kvm: Kvm): KGen<void> {
  const who = "kvm_mmu_zap_all_fast";
  yield write_lock(who);
  const obsolete = new Set(kvm.active_mmu_pages); // kvm->arch.mmu_valid_gen = !kvm->arch.mmu_valid_gen
  yield* kvm.sym.kvm_zap_obsolete_pages(kvm, obsolete);
  yield write_unlock(who);
  if (tdp_mmu_enabled(kvm)) {
    yield write_lock("kvm_tdp_mmu_zap_invalidated_roots");
    const base = fixed_field(kvm, kvm.slot, MEMSLOT.base_gfn, KIND.memslot);
    const range: kvm_gfn_range = { slot: kvm.slot, start: base, end: base + fixed_field(kvm, kvm.slot, MEMSLOT.npages, KIND.memslot) };
    if (yield* kvm.sym.kvm_tdp_mmu_unmap_gfn_range(kvm, range, false)) yield kvm_flush_remote_tlbs("kvm_tdp_mmu_zap_invalidated_roots");
    yield write_unlock("kvm_tdp_mmu_zap_invalidated_roots");
  }
}

/**
 * kvm_zap_obsolete_pages: from the oldest page on active_mmu_pages, zap each
 * obsolete one (kvm_mmu_prepare_zap_page onto zapped_obsolete_pages); after
 * BATCH_ZAP_PAGES, cond_resched_rwlock_write and restart; then
 * kvm_mmu_commit_zap_page (its remote TLB flush waits out lockless walkers).
 * DEVIATION: the break is taken at every batch (as __walk_slot_rmaps takes it).
 */
export function* kvm_zap_obsolete_pages(kvm: Kvm, obsolete: ReadonlySet<number>): KGen<void> {
  const invalid_list: number[] = [];
  let batch = 0;
  for (;;) {
    const sp = [...kvm.active_mmu_pages].reverse().find((p) => obsolete.has(p));
    if (sp === undefined) break;
    if (batch >= BATCH_ZAP_PAGES) {
      yield write_unlock("kvm_zap_obsolete_pages: cond_resched_rwlock_write");
      yield write_lock("kvm_zap_obsolete_pages: cond_resched_rwlock_write");
      batch = 0;
      continue;
    }
    yield* kvm.sym.kvm_mmu_prepare_zap_page(kvm, sp, invalid_list);
    batch++;
  }
  yield* kvm.sym.kvm_mmu_commit_zap_page(kvm, invalid_list);
}

/**
 * kvm_mmu_zap_memslot (KVM_X86_QUIRK_SLOT_ZAP_ALL disabled): under mmu_lock,
 * kvm_unmap_gfn_range over the whole slot, then
 * kvm_mmu_zap_memslot_pages_and_flush: every shadow page that shadows a
 * guest page table in the slot is zapped (for_each_gfn_valid_sp_with_gptes:
 * here the nested pages, whose gfns are all in the one slot), and a flush.
 * DEVIATION: a nested page stands for the shadowed L1 page table at its gfn.
 */
export function* kvm_mmu_zap_memslot(kvm: Kvm, slot: number): KGen<void> {
  const who = "kvm_mmu_zap_memslot";
  const base = fixed_field(kvm, slot, MEMSLOT.base_gfn, KIND.memslot);
  const range: kvm_gfn_range = { slot, start: base, end: base + fixed_field(kvm, slot, MEMSLOT.npages, KIND.memslot), may_block: true };
  yield write_lock(who);
  let flush = yield* kvm.sym.kvm_unmap_gfn_range(kvm, range);
  const invalid_list: number[] = [];
  for (const sp of [...kvm.active_mmu_pages]) {
    if (fixed_field(kvm, sp, MMU_PAGE.direct, KIND.mmuPage) === 0) yield* kvm.sym.kvm_mmu_prepare_zap_page(kvm, sp, invalid_list);
  }
  if (invalid_list.length > 0) {
    yield* kvm.sym.kvm_mmu_commit_zap_page(kvm, invalid_list);
    flush = false;
  }
  if (flush) yield kvm_flush_remote_tlbs(who);
  yield write_unlock(who);
}

/**
 * kvm_free_memslot(kvm, old) for KVM_MR_DELETE (kvm_commit_memory_region):
 * kvm_destroy_dirty_bitmap, kvm_arch_free_memslot (memslot_rmap_free: each
 * level's rmap array), kfree(slot). kvm_arch_commit_memory_region has nothing
 * to do for a deletion here (kvm_mmu_slot_apply_flags returns for it; the
 * page-count recalculation is not simulated).
 */
export function* kvm_free_memslot(kvm: Kvm, slot: number): KGen<void> {
  const bitmap = fixed_field(kvm, slot, MEMSLOT.dirty_bitmap, KIND.memslot);
  if (bitmap !== 0) yield free(bitmap, KIND.dirtyBitmap, "kvm_destroy_dirty_bitmap: kvfree(memslot->dirty_bitmap)");
  yield* kvm.sym.memslot_rmap_free(kvm, slot);
  yield free(slot, KIND.memslot, "kvm_free_memslot: kfree(slot)");
}

/** memslot_rmap_free: kvfree(slot->arch.rmap[i]) for each level. */
export function* memslot_rmap_free(kvm: Kvm, slot: number): KGen<void> {
  for (let level = 1; level <= kvm.cfg.KVM_MAX_HUGEPAGE_LEVEL; level++) {
    yield free(fixed_field(kvm, slot, MEMSLOT.rmap0 + level - 1, KIND.memslot), KIND.rmapHead, "memslot_rmap_free: kvfree(slot->arch.rmap[i])");
  }
}

/**
 * kvm_set_memslot(kvm, old, NULL, KVM_MR_DELETE): invalidate, delete, free
 * the INVALID copy, commit (kvm_free_memslot). kvm_prepare_memory_region has
 * nothing to do for a deletion. DEVIATION: kvm_set_memslot (memslot_flags.ts)
 * runs this part for a NULL new slot.
 */
export function* kvm_set_memslot_delete(kvm: Kvm, old: number): KGen<void> {
  const invalid_slot = yield alloc(KIND.memslot, memslotWords(kvm), "kvm_set_memslot: invalid_slot = kzalloc(sizeof(*invalid_slot))");
  yield* kvm.sym.kvm_invalidate_memslot(kvm, old, invalid_slot);
  yield* kvm.sym.kvm_delete_memslot(kvm, old, invalid_slot);
  yield free(invalid_slot, KIND.memslot, "kvm_set_memslot: kfree(invalid_slot)");
  yield* kvm.sym.kvm_free_memslot(kvm, old);
}
