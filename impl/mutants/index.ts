/**
 * The mutant catalogue (docs/mutants.md): each entry is a named, single-idea
 * change to the implementation, expressed as replaced kernel symbols, applied
 * on top of a design (v3-fixed, the corrected series, unless it says
 * otherwise). The unmutated code is untouched; --mutant <name> selects one.
 */
import type { Overrides } from "../symbols";
import * as alt from "./alt_fix1";
import * as inv from "./invalid_rmap";
import * as life from "./lifecycle";
import * as look from "./lookup";
import * as ops from "./ops";
import * as pl from "./pte_list";
import * as sp from "./spte";
import * as zo from "./zap_obsolete";

export interface Mutant {
  readonly name: string;
  /** The bug, in one sentence. */
  readonly bug: string;
  /** spec §5 row it comes from, "new", or "3.11" (a mutant of the design merged in 3.11). */
  readonly origin: string;
  readonly overrides: Overrides;
  /** The design it mutates (default v3-fixed). */
  readonly design?: string;
  /** Only observable under x86-TSO (memory-ordering mutants). */
  readonly needsTso?: boolean;
  /** A named scenario (scenarios/) on which the exhaustive mode shows it. */
  readonly scenario?: string;
}

export const MUTANTS: readonly Mutant[] = [
  // spec §5
  { name: "unmap-invalid-no-skip-check", origin: "M1", bug: "__kvm_unmap_invalid_rmapp lacks the `continue` on PTE_LIST_SPTE_SKIP and dereferences SKIP", overrides: inv.unmap_invalid_no_skip_check },
  { name: "invalid-unmap-is-normal", origin: "M1", bug: "invalid_rmap_ops.rmap_unmap is the normal kvm_unmap_rmapp", overrides: ops.invalid_ops_normal_unmap },
  { name: "invalid-remove-is-pte-list-remove", origin: "M2", bug: "invalid_rmap_ops.rmap_remove is pte_list_remove: back-fill and free on a remove-only list", overrides: ops.invalid_ops_normal_remove },
  { name: "free-descs-before-uninstall", origin: "M3", bug: "descs of the invalid slot are freed right after the lock-free unmap, while the slot is still installed", overrides: life.invalidate_then_free_descs },
  { name: "unmapper-does-not-publish", origin: "M4", bug: "the lock-free unmapper never publishes kvm->arch.being_unmapped_rmap", overrides: inv.unmap_nolock_no_publish },
  { name: "volatile-bits-ignored", origin: "M5", bug: "spte_has_volatile_bits always answers no: clears and updates use load + plain store", overrides: sp.no_volatile_bits },
  { name: "leaf-clear-no-track", origin: "M5", bug: "mmu_page_zap_pte clears a leaf with mmu_spte_clear_no_track (no A/D propagation)", overrides: sp.zap_pte_no_track },
  { name: "unmap-invalid-reset-before-clear", origin: "M6", bug: "__kvm_unmap_invalid_rmapp resets the entry before clearing the spte, not as the winner of the clear", overrides: inv.unmap_invalid_reset_before_clear },
  { name: "fault-ignores-invalid-slot", origin: "M7", bug: "the vCPU fault path translates through a slot marked KVM_MEMSLOT_INVALID", overrides: look.page_fault_ignores_invalid },
  { name: "shadow-ignores-invalid-slot", origin: "M8", bug: "a guest page table in a slot being deleted is write-protected through the invalid rmaps", overrides: look.shadow_gfn_ignores_invalid },
  { name: "unmap-slot-skips-last-index", origin: "M9", bug: "the lock-free unmap stops one rmap index short at every level", overrides: life.unmap_slot_skips_last },
  { name: "unmap-slot-level1-only", origin: "M9", bug: "the lock-free unmap walks only the 4K rmaps, not the large-page ones", overrides: life.unmap_slot_level1_only },
  { name: "no-backfill", origin: "M10", bug: "pte_list_desc_remove_entry clears the entry without moving the last one into it, leaving a hole", overrides: pl.remove_entry_no_backfill },
  { name: "remove-j-off-by-one", origin: "M10", bug: "pte_list_desc_remove_entry's back-fill scan starts one index early and misses the last entry", overrides: pl.remove_entry_off_by_one },
  { name: "add-overruns-desc", origin: "M10", bug: "pte_list_add never sees a desc as full, so it writes past a full desc's sptes[] (into `more` and beyond)", overrides: pl.pte_list_add_overrun },
  { name: "normal-remove-writes-skip", origin: "M11", bug: "normal_rmap_ops.rmap_remove resets entries to SKIP, so SKIP appears in valid rmaps", overrides: ops.normal_ops_clear_concurrently },
  { name: "no-gen-bump", origin: "M12", bug: "mmu_valid_gen is never bumped: a slot's rmaps become invalid while the pages holding their sptes stay current, so they are dropped with no TLB flush", overrides: life.no_gen_bump },
  { name: "handshake-no-mb", origin: "M13", bug: "no smp_mb between publishing being_unmapped_rmap and reading the entries", overrides: inv.unmap_nolock_no_mb, needsTso: true, scenario: "unmap-direct" },
  { name: "baseline-delete-skips-zap", origin: "M14", bug: "v3.10: deleting a slot does not zap the shadow pages mapping it, so a later rmap_remove finds no slot", overrides: life.flush_shadow_memslot_nothing, design: "baseline" },
  // new
  { name: "desc-freed-before-unlink", origin: "new", bug: "pte_list_desc_remove_entry frees an emptied desc before unlinking it", overrides: pl.remove_entry_free_before_unlink },
  { name: "head-tag-missing", origin: "new", bug: "a desc pointer is stored in an rmap head without the tag bit (pte_list_add's 1->many, the unlink of a first desc)", overrides: pl.pte_list_add_no_tag },
  { name: "gfn-to-index-off-by-one", origin: "new", bug: "__gfn_to_rmap indexes one head too far", overrides: look.gfn_to_rmap_off_by_one },
  { name: "gfn-to-index-offset-shift", origin: "new", bug: "gfn_to_index computes (gfn - base_gfn) >> shift: wrong only for a slot whose base is not aligned to a large page", overrides: look.gfn_to_index_offset_shift },
  { name: "rmap-add-wrong-level", origin: "new", bug: "rmap_add files every spte under level 1 instead of sp->role.level", overrides: look.rmap_add_level1 },
  { name: "hva-range-misses-last", origin: "new", bug: "kvm_handle_hva_range stops before idx_end at every level", overrides: look.handle_hva_range_short },
  { name: "clear-forgets-dirty", origin: "new", bug: "mmu_spte_clear_track_bits never calls kvm_set_pfn_dirty", overrides: sp.clear_track_bits_no_dirty },
  { name: "age-plain-clear", origin: "new", bug: "kvm_age_rmapp's clear_bit is a load and a plain store, losing a D bit set in between", overrides: sp.age_rmapp_plain_clear },
  { name: "age-never-young", origin: "new", bug: "kvm_age_rmapp ignores what it found and always returns 0", overrides: sp.age_rmapp_never_young },
  { name: "test-age-clears-accessed", origin: "new", bug: "kvm_test_age_rmapp clears the A bits it tests", overrides: sp.test_age_rmapp_clears },
  { name: "set-pte-keeps-writable", origin: "new", bug: "kvm_set_pte_rmapp remaps to the new pfn without clearing W", overrides: sp.set_pte_rmapp_keeps_w },
  { name: "fast-pf-plain-store", origin: "new", bug: "fast_pf_fix_direct_spte sets W with a plain store instead of cmpxchg", overrides: sp.fast_pf_plain_store },
  { name: "invalid-set-pte-remaps", origin: "new", bug: "invalid_rmap_ops.rmap_set_pte is the normal kvm_set_pte_rmapp", overrides: ops.invalid_ops_normal_set_pte },
  { name: "unpublish-before-walk", origin: "new", bug: "the unmapper resets being_unmapped_rmap right after publishing it, before walking the rmap", overrides: inv.unmap_nolock_unpublish_early },
  { name: "skip-value-has-tag-bit", origin: "new", bug: "pte_list_clear_concurrently writes ~0 (bit 0 set) instead of PTE_LIST_SPTE_SKIP", overrides: inv.clear_concurrently_odd_skip },
  { name: "ops-switched-without-lock", origin: "new", bug: "slot->arch.ops is switched to invalid_rmap_ops with mmu_lock dropped around the store", overrides: life.switch_ops_unlocked },
  { name: "ops-switched-before-install", origin: "new", bug: "the ops switch happens on the installed slot before the KVM_MEMSLOT_INVALID copy is installed and synchronized", overrides: life.switch_ops_before_install },
  { name: "free-memslot-keeps-descs", origin: "new", bug: "freeing an invalid slot frees only the head arrays, leaking the descs it kept", overrides: life.free_memslot_arrays_only },
  { name: "zap-without-lock", origin: "new", bug: "mmu_shrink prepares the zap of a shadow page with mmu_lock dropped", overrides: life.zap_page_unlocked },
  { name: "commit-zap-drops-lock", origin: "new", bug: "kvm_mmu_commit_zap_page frees the zapped pages with mmu_lock dropped", overrides: life.commit_zap_unlocked },
  { name: "zap-keeps-page-listed", origin: "new", bug: "kvm_mmu_prepare_zap_page leaves the page on active_mmu_pages: kvm_mmu_zap_all's walk never ends (a livelock)", overrides: life.prepare_zap_keeps_page_listed },
  { name: "commit-skips-flush", origin: "new", bug: "kvm_mmu_commit_zap_page frees pages without kvm_flush_remote_tlbs, under a vCPU still walking them", overrides: life.commit_zap_no_flush },
  // the 3.11 fast invalidation (design merged-3.11)
  { name: "merged-no-gen-bump", origin: "3.11", bug: "kvm_mmu_invalidate_zap_all_pages reloads the MMUs but never bumps mmu_valid_gen, so kvm_zap_obsolete_pages finds no obsolete page", overrides: life.no_gen_bump, design: "merged-3.11" },
  { name: "merged-no-reload", origin: "3.11", bug: "kvm_mmu_invalidate_zap_all_pages bumps mmu_valid_gen without kvm_reload_remote_mmus: a vCPU keeps a translation of a page the walk zaps before its lock-break", overrides: zo.bump_without_reload, design: "merged-3.11" },
  { name: "merged-bump-unlocked", origin: "3.11", bug: "mmu_valid_gen is bumped (and the MMUs reloaded) with mmu_lock dropped, between a fault's kvm_mmu_get_page and its mmu_set_spte", overrides: zo.bump_unlocked, design: "merged-3.11" },
  { name: "zap-obsolete-no-restart", origin: "3.11", bug: "kvm_zap_obsolete_pages goes on with the page it held before a lock-break instead of restarting the walk", overrides: zo.lock_break_without_restart, design: "merged-3.11" },
  { name: "get-page-reuses-obsolete", origin: "3.11", bug: "kvm_mmu_get_page hands out an obsolete page (\"do not reuse the obsolete page\" missing)", overrides: zo.get_page_reuses_obsolete, design: "merged-3.11" },
  // a design's own code (design v3-alt-fix1-wq, impl/alt_fix1.ts)
  { name: "alt-fix1-callback-takes-mmu-lock", origin: "new", bug: "v3-alt-fix1-wq's SRCU callback frees the zapped pages under mmu_lock itself, in softirq context, instead of queueing the work item", overrides: alt.callback_takes_mmu_lock, design: "v3-alt-fix1-wq" },
];
