/** Mutants of the memslot lifecycle and of who holds which lock (spec §5 M3, M9, M12, M14 and neighbours). */
import { type KGen, spinLock, spinUnlock, store } from "../../runtime/step";
import { fieldOf, type Kvm, MEMSLOT, RMAP_OPS_INVALID } from "../kvm";
import { memslot_level_rmaps } from "../memslot_lifecycle";
import { reloadRemoteMmus } from "../steps";
import type { Overrides } from "../symbols";

/** M3 free-descs-before-uninstall: the lock-free unmap of a slot is followed at once by freeing its descs, while the slot is still installed. */
export const invalidate_then_free_descs: Overrides = (base) => ({
  *unmap_memslot_rmap_nolock(kvm: Kvm, slot: number): KGen<void> {
    yield* base.unmap_memslot_rmap_nolock(kvm, slot);
    yield* kvm.sym.free_meslot_rmap_desc_nolock(kvm, slot);
  },
});

/** M9 unmap-slot-skips-last-index: the lock-free unmap stops one rmap index short at every level. */
export const unmap_slot_skips_last: Overrides = () => ({
  *unmap_memslot_level_nolock(kvm: Kvm, slot: number, level: number): KGen<void> {
    for (const rmapp of memslot_level_rmaps(kvm, slot, level).slice(0, -1)) yield* kvm.sym.kvm_unmap_invalid_rmapp_nolock(kvm, rmapp);
  },
});

/** M9 unmap-slot-level1-only: the lock-free unmap walks only the 4K rmaps. */
export const unmap_slot_level1_only: Overrides = () => ({
  *unmap_memslot_rmap_nolock(kvm: Kvm, slot: number): KGen<void> {
    yield* kvm.sym.unmap_memslot_level_nolock(kvm, slot, 1);
  },
});

/** M12 no-gen-bump: mmu_valid_gen is never bumped: the remote MMUs reload, but pages stay current. */
export const no_gen_bump: Overrides = () => ({
  *kvm_mmu_bump_valid_gen(kvm: Kvm, who: string): KGen<void> {
    yield reloadRemoteMmus(`${who}: kvm_reload_remote_mmus`);
  },
});

/** ops-switched-without-lock: slot->arch.ops is switched with mmu_lock dropped around the store. */
export const switch_ops_unlocked: Overrides = () => ({
  *switch_memslot_rmap_ops(kvm: Kvm, slot: number): KGen<void> {
    yield spinUnlock("kvm_mmu_invalidate_memslot_pages: spin_unlock(mmu_lock)");
    yield store(fieldOf(slot, MEMSLOT.ops), "memslot", RMAP_OPS_INVALID, "kvm_mmu_invalidate_memslot_pages: slot->arch.ops = &invalid_rmap_ops");
    yield spinLock("kvm_mmu_invalidate_memslot_pages: spin_lock(mmu_lock)");
  },
});

/**
 * ops-switched-before-install: the installed slot is switched to
 * invalid_rmap_ops (under mmu_lock, with the generation bump) before the
 * KVM_MEMSLOT_INVALID copy is installed and synchronized: a vCPU fault already
 * past its translation adds to a slot whose rmaps are invalid.
 */
export const switch_ops_before_install: Overrides = (base) => ({
  *kvm_memslot_mark_invalid(kvm: Kvm, slot: number): KGen<number> {
    yield* kvm.sym.kvm_mmu_invalidate_memslot_pages_locked(kvm, [slot]);
    return yield* base.kvm_memslot_mark_invalid(kvm, slot);
  },
});

/** free-memslot-keeps-descs: freeing an invalid slot frees only the head arrays (the v3.10 way), leaking its descs. */
export const free_memslot_arrays_only: Overrides = () => ({
  *kvm_free_memslot(kvm: Kvm, slot: number): KGen<void> {
    yield* kvm.sym.kvm_arch_free_memslot(kvm, slot);
  },
});

/** M14 baseline-delete-skips-zap: on the v3.10 baseline, deleting a slot does not zap its shadow pages. */
export const flush_shadow_memslot_nothing: Overrides = () => ({
  *kvm_arch_flush_shadow_memslot(kvm: Kvm, slot: number): KGen<void> {
    yield reloadRemoteMmus("kvm_arch_flush_shadow_memslot: kvm_reload_remote_mmus");
  },
});

/** zap-without-lock: mmu_shrink prepares the zap of a page with mmu_lock dropped. */
export const zap_page_unlocked: Overrides = (base) => ({
  *kvm_mmu_remove_some_alloc_mmu_pages(kvm: Kvm, gfn: number, level: number, quadrant: number, which: "oldest" | "newest", invalid_list: number[]): KGen<number> {
    yield spinUnlock("mmu_shrink: spin_unlock(mmu_lock)");
    const r = yield* base.kvm_mmu_remove_some_alloc_mmu_pages(kvm, gfn, level, quadrant, which, invalid_list);
    yield spinLock("mmu_shrink: spin_lock(mmu_lock)");
    return r;
  },
});

/** commit-zap-drops-lock: kvm_mmu_commit_zap_page frees the zapped pages with mmu_lock dropped. */
export const commit_zap_unlocked: Overrides = (base) => ({
  *kvm_mmu_commit_zap_page(kvm: Kvm, invalid_list: number[]): KGen<void> {
    yield spinUnlock("kvm_mmu_commit_zap_page: spin_unlock(mmu_lock)");
    yield* base.kvm_mmu_commit_zap_page(kvm, invalid_list);
    yield spinLock("kvm_mmu_commit_zap_page: spin_lock(mmu_lock)");
  },
});

/** commit-skips-flush: kvm_mmu_commit_zap_page frees pages without kvm_flush_remote_tlbs (a vCPU may still be walking them). */
export const commit_zap_no_flush: Overrides = () => ({
  *kvm_mmu_commit_zap_page(kvm: Kvm, invalid_list: number[]): KGen<void> {
    while (invalid_list.length > 0) yield* kvm.sym.kvm_mmu_free_page(kvm, invalid_list.shift()!);
  },
});

/**
 * zap-keeps-page-listed: kvm_mmu_prepare_zap_page leaves the page on
 * active_mmu_pages, so kvm_mmu_zap_all's walk, which zaps the first page
 * until none is left, never ends (a livelock).
 */
export const prepare_zap_keeps_page_listed: Overrides = (base) => ({
  *kvm_mmu_prepare_zap_page(kvm: Kvm, sp: number, invalid_list: number[]): KGen<number> {
    const r = yield* base.kvm_mmu_prepare_zap_page(kvm, sp, invalid_list);
    if (!kvm.active_mmu_pages.includes(sp)) kvm.active_mmu_pages.unshift(sp);
    invalid_list.splice(invalid_list.indexOf(sp), 1);
    return r;
  },
});
