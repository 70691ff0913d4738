/**
 * The mutant catalogue of the lockless subject (docs/mutants.md, "The
 * lockless subject"): each a named, single-idea change expressed as replaced
 * kernel symbols, applied on top of a design (merged-aligned-callers, the
 * merged code under the known callers' ranges, unless it says otherwise).
 * `origin` is the spec's §5.4 row (K1-K8), a review finding (B5), or "new".
 * K9 and K10 (relaxed readonly unlock; relaxed lock cmpxchg or unlock) are not
 * here: on x86 they compile to the same instructions (MOV; LOCK CMPXCHG), so
 * x86-TSO cannot tell them apart (docs/mutants.md says more).
 */
import type { LocklessOverrides } from "../symbols";
import * as age from "./aging";
import * as lock from "./rmap_lock";
import * as pl from "./pte_list";
import * as spte from "./spte";
import * as vcpu from "./vcpu";
import * as rl from "./races_lock";
import * as rv from "./races_vcpu";
import * as tg from "./tdp_gates";
import * as inv from "./invalidate";
import * as wpo from "./wrprot_only";
import * as slot from "./memslot_flags";
import * as del from "./memslot_delete";
import * as split from "./eager_split";

export interface LocklessMutant {
  readonly name: string;
  readonly bug: string;
  readonly origin: string;
  readonly overrides: LocklessOverrides;
  readonly design?: string;
  readonly needsTso?: boolean;
  /** A scenario of scenarios/ on which the exhaustive mode shows it (its fewest preemptions: docs/mutants.md). */
  readonly scenario?: string;
}

export const LOCKLESS_MUTANTS: readonly LocklessMutant[] = [
  { name: "lock-no-empty-recheck", origin: "K1", bug: "__kvm_rmap_lock does not recheck for an empty rmap after spinning, so it locks an rmap its holder emptied", overrides: lock.lock_no_empty_recheck, scenario: "lockless-desc-cache" },
  { name: "writer-unlocks-early", origin: "K2", bug: "an mmu_lock writer releases the rmap lock right after taking it and publishes its list with a second store", overrides: lock.writer_unlocks_early, scenario: "lockless-desc-cache" },
  { name: "age-without-rmap-lock", origin: "K3", bug: "the ager walks rmaps with a plain kvm_rmap_get, without the readonly lock", overrides: age.age_without_rmap_lock, scenario: "lockless-age-vs-zap" },
  { name: "age-locked-iterator", origin: "K4", bug: "the lockless ager uses for_each_rmap_spte, which WARNs on non-present sptes", overrides: age.age_locked_iterator, scenario: "lockless-age-vs-zap" },
  { name: "age-plain-clear-accessed", origin: "K5", bug: "the ager clears A with a load and a plain store", overrides: age.age_plain_clear_accessed, scenario: "lockless-age-vs-zap" },
  { name: "age-at-store", origin: "K6", bug: "the A/D-disabled ager stores the access-tracked snapshot with xchg instead of cmpxchg", overrides: age.age_at_store, scenario: "lockless-fast-pf-write-track" },
  { name: "no-atomic-ad-disabled", origin: "K7", bug: "spte_needs_atomic_update without 928c54b1c4ca: writable A/D-disabled sptes get a plain store", overrides: spte.no_atomic_ad_disabled, scenario: "lockless-k7-ad-disabled" },
  { name: "readonly-lock-preemptible", origin: "K8", bug: "kvm_rmap_lock_readonly takes the bit-spinlock without preempt_disable", overrides: lock.readonly_lock_preemptible, scenario: "lockless-age-vs-zap" },
  { name: "readonly-unlock-writes-zero", origin: "B5", bug: "kvm_rmap_unlock_readonly writes back 0 when the lock was elided", overrides: lock.readonly_unlock_writes_zero, scenario: "lockless-age-vs-zap" },
  { name: "lock-spin-skipped", origin: "new", bug: "__kvm_rmap_lock does not wait for KVM_RMAP_LOCKED to clear before its cmpxchg", overrides: lock.lock_spin_skipped, scenario: "lockless-age-vs-zap" },
  { name: "unlock-keeps-locked", origin: "new", bug: "the rmap unlock store leaves KVM_RMAP_LOCKED set", overrides: lock.unlock_keeps_locked, scenario: "lockless-age-vs-zap" },
  { name: "rmap-get-keeps-locked", origin: "new", bug: "kvm_rmap_get does not strip KVM_RMAP_LOCKED", overrides: lock.rmap_get_keeps_locked, scenario: "lockless-age-vs-zap" },
  { name: "new-head-tail-count-zero", origin: "new", bug: "a new head desc gets tail_count 0 instead of the entries behind it", overrides: pl.new_head_tail_count_zero, scenario: "lockless-fault-vs-age" },
  { name: "full-head-reused", origin: "new", bug: "pte_list_add adds to a full head desc (overwriting sptes[0]) instead of allocating a new head", overrides: pl.full_head_reused, scenario: "lockless-fault-vs-age" },
  { name: "drop-head-forgets-more", origin: "new", bug: "when the head desc empties, the rmap becomes empty instead of pointing at the next desc", overrides: pl.drop_head_forgets_more, scenario: "lockless-age-vs-zap" },
  { name: "remove-backfills-within-desc", origin: "new", bug: "removal fills the hole from the same desc (pre-141705b78381), so tails stop being full", overrides: pl.remove_backfills_within_desc, scenario: "lockless-remove-mid-desc" },
  { name: "test-age-clears-accessed", origin: "new", bug: "kvm_test_age_gfn ages the sptes it tests", overrides: age.test_age_clears_accessed, scenario: "lockless-fault-vs-age" },
  { name: "age-never-young", origin: "new", bug: "kvm_age_gfn ages but always returns false", overrides: age.age_never_young, scenario: "lockless-age-vs-zap" },
  { name: "age-range-short", origin: "new", bug: "kvm_age_gfn stops one page before the end of its range", overrides: age.age_range_short, scenario: "lockless-age-vs-zap" },
  { name: "at-saves-nothing", origin: "new", bug: "mark_spte_for_access_track does not save R/X", overrides: age.at_saves_nothing, scenario: "lockless-k7-ad-disabled" },
  { name: "atomic-ignores-dirty", origin: "new", bug: "spte_needs_atomic_update forgets that the CPU may set D on a writable spte", overrides: spte.atomic_ignores_dirty, scenario: "lockless-write-track-pml" },
  { name: "clear-dirty-plain-store", origin: "new", bug: "__rmap_clear_dirty clears W with a load and a plain store", overrides: spte.clear_dirty_plain_store, scenario: "lockless-harvest-nested" },
  { name: "wp-keeps-mmu-writable", origin: "new", bug: "write tracking clears W but not MMU-writable", overrides: spte.wp_keeps_mmu_writable, scenario: "lockless-write-track-pml" },
  { name: "fast-pf-plain-store", origin: "new", bug: "fast_pf_fix_direct_spte stores instead of cmpxchg", overrides: vcpu.fast_pf_plain_store, scenario: "lockless-fast-pf-write-track" },
  { name: "fast-pf-no-dirty-mark", origin: "new", bug: "fast_pf_fix_direct_spte does not mark the page dirty when it sets W", overrides: vcpu.fast_pf_no_dirty_mark, scenario: "lockless-fast-pf-harvest" },
  { name: "fast-pf-ignores-mmu-writable", origin: "new", bug: "fast_page_fault sets W on a spte that is not MMU-writable", overrides: vcpu.fast_pf_ignores_mmu_writable, scenario: "lockless-fast-pf-write-track" },
  // Issue 20: mutants that need a race (no sequential run, no schedule without a preemption shows them).
  { name: "zap-all-no-rmap-lock", origin: "new", bug: "kvm_zap_all_rmap_sptes takes no rmap lock (kvm_rmap_get, then a plain store of 0) and frees descs a lockless ager is walking", overrides: rl.zap_all_no_rmap_lock, scenario: "lockless-unmap-vs-age" },
  { name: "lock-retry-skips-spin", origin: "race", bug: "__kvm_rmap_lock retries a failed cmpxchg without waiting for KVM_RMAP_LOCKED to clear, so it 'takes' a held lock", overrides: rl.lock_retry_skips_spin, scenario: "lockless-age-vs-zap" },
  { name: "readonly-lock-skips-contended", origin: "race", bug: "kvm_rmap_lock_readonly gives up on a locked rmap (a trylock) and the ager walks it anyway, without the lock", overrides: rl.readonly_lock_skips_contended, scenario: "lockless-unmap-vs-age" },
  { name: "readonly-unlock-rechecks-val", origin: "race", bug: "kvm_rmap_unlock_readonly tests the rmap's current value instead of old_val, and writes back 0 over a concurrent first add", overrides: rl.readonly_unlock_rechecks_val, scenario: "lockless-first-add-vs-age" },
  { name: "age-unlocks-before-aging", origin: "race", bug: "the ager collects accessed sptes under the rmap lock and ages them after unlocking, when a zap may have freed their page", overrides: rl.age_unlocks_before_aging, scenario: "lockless-zap-vs-age-ad" },
  { name: "age-store-from-snapshot", origin: "race", bug: "the A/D-enabled ager writes its snapshot back without A instead of clear_bit, undoing a concurrent write protection (stale-snapshot restore)", overrides: rl.age_store_from_snapshot, scenario: "lockless-wp-vs-age" },
  { name: "age-at-retry-stale", origin: "race", bug: "the A/D-disabled ager retries a failed cmpxchg with the access-tracked form of its first snapshot (stale-snapshot restore of MMU-writable)", overrides: rl.age_at_retry_stale, scenario: "lockless-wp-vs-age-ad-disabled" },
  { name: "fast-pf-retry-stale", origin: "race", bug: "fast_pf_fix_direct_spte retries a failed cmpxchg with the new value computed from its first snapshot (stale-snapshot restore of W)", overrides: rv.fast_pf_retry_stale, scenario: "lockless-wp-vs-fast-pf" },
  { name: "fast-pf-marks-dirty-first", origin: "race", bug: "fast_pf_fix_direct_spte marks the page dirty before its cmpxchg, so a harvest in between leaves a writable spte with its bit taken", overrides: rv.fast_pf_marks_dirty_first, scenario: "lockless-harvest-vs-fast-pf" },
  { name: "dirty-log-protect-before-xchg", origin: "race", bug: "kvm_get_dirty_log_protect re-protects the page before it takes the bitmap word, so a fast page fault in between is harvested unprotected", overrides: rv.dirty_log_protect_before_xchg, scenario: "lockless-harvest-writable-vs-fast-pf" },
  { name: "zap-frees-before-flush", origin: "race", bug: "kvm_mmu_commit_zap_page frees the pages before kvm_flush_remote_tlbs waits for lockless walkers", overrides: rv.zap_frees_before_flush, scenario: "lockless-zap-vs-fast-pf" },
  { name: "atomic-ignores-fast-pf", origin: "race", bug: "spte_needs_atomic_update forgets that the fast page fault may set W on a read-only MMU-writable spte", overrides: rv.atomic_ignores_fast_pf, scenario: "lockless-wp-vs-fast-pf" },
  { name: "may-have-shadow-sptes-tdp-only", origin: "tdp", bug: "kvm_may_have_shadow_mmu_sptes ignores indirect_shadow_pages: with the TDP MMU the ager never walks nested pages' rmaps", overrides: tg.may_have_shadow_sptes_tdp_only, scenario: "lockless-tdp-age-vs-nested-fault" },
  { name: "memslots-have-rmaps-tdp-only", origin: "tdp", bug: "kvm_memslots_have_rmaps ignores shadow_root_allocated: with the TDP MMU an invalidation skips nested pages' rmaps", overrides: tg.memslots_have_rmaps_tdp_only, scenario: "lockless-tdp-unmap-vs-nested-fault" },
  { name: "test-age-drops-tdp-young", origin: "tdp", bug: "kvm_test_age_gfn has no early return and lets the rmaps' answer overwrite a young TDP MMU answer", overrides: tg.test_age_drops_tdp_young, scenario: "lockless-tdp-test-young" },
  { name: "account-shadowed-after-rmap-add", origin: "tdp", bug: "a nested fault counts its shadow page in indirect_shadow_pages only after adding the rmap entry, so an ager in between skips the rmaps", overrides: tg.account_shadowed_after_rmap_add, scenario: "lockless-tdp-age-vs-nested-fault" },
  { name: "fault-ignores-invalidate-in-progress", origin: "u5", bug: "mmu_invalidate_retry_gfn compares only mmu_invalidate_seq, so a fault between an invalidation's start and end maps the page", overrides: inv.fault_ignores_invalidate_in_progress, scenario: "lockless-invalidate-vs-fault" },
  { name: "invalidate-range-not-added", origin: "u5", bug: "the invalidation raises mmu_invalidate_in_progress without kvm_mmu_invalidate_range_add, so a fault in its window finds no range (WARN)", overrides: inv.invalidate_range_not_added, scenario: "lockless-invalidate-vs-fault" },
  { name: "zap-gfn-range-outside-invalidation", origin: "u5", bug: "kvm_zap_gfn_range zaps without kvm_mmu_invalidate_begin/end, so a fault in a break of its walk maps a gfn it already zapped", overrides: inv.zap_gfn_range_outside_invalidation, scenario: "lockless-zap-gfn-range-vs-fault" },
  // Issue 20, U2: the WRPROT_ONLY A/D type of L2 pages under PML.
  { name: "clear-dirty-ignores-wrprot-only", origin: "u2", bug: "__rmap_clear_dirty asks !spte_ad_enabled instead of spte_ad_need_write_protect, so it clears D instead of W on a WRPROT_ONLY spte and the page stays writable with its dirty bit harvested", overrides: wpo.clear_dirty_ignores_wrprot_only, scenario: "lockless-wrprot-only-age-vs-harvest" },
  { name: "no-wrprot-only-for-l2", origin: "u2", bug: "kvm_mmu_page_ad_need_write_protect is always false: under PML make_spte gives an L2 page's spte the plain A/D-enabled type, which the harvest D-clears", overrides: wpo.no_wrprot_only_for_l2, scenario: "lockless-wrprot-only-fault-vs-harvest" },
  { name: "ad-need-wp-ignores-pml", origin: "u2", bug: "kvm_mmu_page_ad_need_write_protect ignores cpu_dirty_log_size: L2 pages get WRPROT_ONLY sptes without PML", overrides: wpo.ad_need_wp_ignores_pml, scenario: "lockless-wrprot-only-no-pml" },
  { name: "log-dirty-no-srcu-wait", origin: "slot", bug: "kvm_swap_active_memslots publishes the dirty-logged slot without synchronize_srcu, so a fault that picked up the old slot makes a huge spte writable after the write-protect walk", overrides: slot.log_dirty_no_srcu_wait, scenario: "lockless-log-dirty-enable-vs-fast-pf" },
  { name: "log-dirty-protect-before-swap", origin: "slot", bug: "enabling dirty logging write-protects the slot before it publishes the slot with KVM_MEM_LOG_DIRTY_PAGES, so a fault in between installs a writable huge spte", overrides: slot.log_dirty_protect_before_swap, scenario: "lockless-log-dirty-enable-vs-fault" },
  { name: "recover-zap-removes-first", origin: "slot", bug: "kvm_zap_one_rmap_spte (recovering huge pages) removes the rmap entry before it clears the spte, so an ager in between misses a present young spte", overrides: slot.recover_zap_removes_first, scenario: "lockless-log-dirty-disable-vs-age" },
  { name: "delete-zap-before-invalidate", origin: "delete", bug: "deleting the slot zaps it before it publishes the INVALID copy, so a fault that picks up the old slot after the zap installs a spte nothing removes", overrides: del.delete_zap_before_invalidate, scenario: "lockless-memslot-delete-vs-fault" },
  { name: "delete-fault-ignores-invalid", origin: "delete", bug: "kvm_mmu_faultin_pfn does not retry on a KVM_MEMSLOT_INVALID slot, so a fault that picks up the slot being deleted installs a spte after the zap", overrides: del.delete_fault_ignores_invalid, scenario: "lockless-memslot-delete-vs-fault" },
  { name: "delete-unpublish-no-wait", origin: "delete", bug: "kvm_delete_memslot publishes no slot without synchronize_srcu, so an ager that picked up the INVALID copy walks rmaps kvm_free_memslot has freed", overrides: del.delete_unpublish_no_wait, scenario: "lockless-memslot-delete-vs-age" },
  { name: "update-checks-new-spte", origin: "race", bug: "mmu_spte_update decides between WRITE_ONCE and xchg on the value it writes, not the one it read", overrides: rv.update_checks_new_spte, scenario: "lockless-wp-vs-fast-pf" },
  { name: "split-drop-huge-no-track", origin: "split", bug: "eager page splitting clears the huge spte with a plain store (mmu_spte_clear_no_track) instead of mmu_spte_clear_track_bits, so an access tracking the ager makes during the split is overwritten unseen", overrides: split.split_drop_huge_no_track, scenario: "lockless-eager-split-vs-age-ad-disabled" },
  { name: "split-walk-keeps-locked", origin: "split", bug: "eager page splitting walks a huge rmap reading its head with a plain atomic_long_read, so it follows a pointer tagged KVM_RMAP_LOCKED while an ager holds the rmap", overrides: split.split_walk_keeps_locked, scenario: "lockless-eager-split-vs-age" },
];
