/**
 * The symbol table of the lockless subject: every kernel function of
 * impl/lockless/ under its kernel name. Kernel functions call each other
 * through kvm.sym, so a design or a mutant is a set of replaced symbols and
 * the unmutated code stays as it is. Where a kernel function is long and a
 * mutant changes one part of it, the part is a symbol of its own (each such
 * split carries a DEVIATION comment).
 */
import * as aging from "./aging";
import * as entry from "./entry";
import * as fpf from "./fast_page_fault";
import * as hw from "./hardware";
import * as make from "./make_spte";
import * as inval from "./mmu_invalidate";
import * as notifier from "./mmu_notifier";
import * as pf from "./page_fault";
import * as pte_list from "./pte_list";
import * as rmap from "./rmap";
import * as iter from "./rmap_iterator";
import * as lock from "./rmap_lock";
import * as bits from "./spte_bits";
import * as upd from "./spte_update";
import * as wp from "./write_protect";
import * as tdp from "./tdp_mmu";
import * as zap from "./zap";
import * as zgr from "./zap_gfn_range";
import * as msf from "./memslot_flags";
import * as srw from "./slot_rmap_walks";
import * as msd from "./memslot_delete";
import * as split from "./eager_split";

export const defaultLocklessSymbols = {
  // spte helpers (spte.h, spte.c)
  spte_needs_atomic_update: bits.spte_needs_atomic_update,
  mark_spte_for_access_track: bits.mark_spte_for_access_track,
  spte_ad_need_write_protect: bits.spte_ad_need_write_protect,
  kvm_mmu_page_ad_need_write_protect: make.kvm_mmu_page_ad_need_write_protect,
  make_spte: make.make_spte,
  // spte updates
  __set_spte: upd.__set_spte,
  __update_clear_spte_fast: upd.__update_clear_spte_fast,
  __update_clear_spte_slow: upd.__update_clear_spte_slow,
  mmu_spte_set: upd.mmu_spte_set,
  mmu_spte_update: upd.mmu_spte_update,
  mmu_spte_clear_track_bits: upd.mmu_spte_clear_track_bits,
  mmu_spte_get_lockless: upd.mmu_spte_get_lockless,
  clear_bit: upd.clear_bit,
  test_and_clear_bit: upd.test_and_clear_bit,
  cmpxchg64: upd.cmpxchg64,
  // the rmap lock
  __kvm_rmap_lock_spin: lock.__kvm_rmap_lock_spin,
  __kvm_rmap_lock_recheck_empty: lock.__kvm_rmap_lock_recheck_empty,
  __kvm_rmap_lock: lock.__kvm_rmap_lock,
  kvm_rmap_lock: lock.kvm_rmap_lock,
  __kvm_rmap_unlock: lock.__kvm_rmap_unlock,
  kvm_rmap_unlock: lock.kvm_rmap_unlock,
  kvm_rmap_get: lock.kvm_rmap_get,
  kvm_rmap_lock_readonly: lock.kvm_rmap_lock_readonly,
  kvm_rmap_unlock_readonly: lock.kvm_rmap_unlock_readonly,
  // pte lists
  kvm_mmu_memory_cache_alloc: pte_list.kvm_mmu_memory_cache_alloc,
  mmu_free_pte_list_desc: pte_list.mmu_free_pte_list_desc,
  pte_list_desc_new_head: pte_list.pte_list_desc_new_head,
  pte_list_add: pte_list.pte_list_add,
  pte_list_desc_drop_head: pte_list.pte_list_desc_drop_head,
  pte_list_desc_remove_entry: pte_list.pte_list_desc_remove_entry,
  pte_list_remove_from_descs: pte_list.pte_list_remove_from_descs,
  pte_list_remove: pte_list.pte_list_remove,
  kvm_zap_all_rmap_sptes: pte_list.kvm_zap_all_rmap_sptes,
  // iterators
  rmap_get_first: iter.rmap_get_first,
  rmap_get_next: iter.rmap_get_next,
  for_each_rmap_spte: iter.for_each_rmap_spte,
  for_each_rmap_spte_lockless: iter.for_each_rmap_spte_lockless,
  // rmaps
  gfn_to_rmap: rmap.gfn_to_rmap,
  rmap_add: rmap.rmap_add,
  rmap_remove: rmap.rmap_remove,
  drop_spte: rmap.drop_spte,
  // write protection and dirty logging
  mark_page_dirty_in_slot: wp.mark_page_dirty_in_slot,
  spte_write_protect: wp.spte_write_protect,
  rmap_write_protect: wp.rmap_write_protect,
  spte_clear_dirty: wp.spte_clear_dirty,
  __rmap_clear_dirty: wp.__rmap_clear_dirty,
  kvm_arch_mmu_enable_log_dirty_pt_masked: wp.kvm_arch_mmu_enable_log_dirty_pt_masked,
  kvm_get_dirty_log_protect: wp.kvm_get_dirty_log_protect,
  kvm_mmu_slot_gfn_write_protect: wp.kvm_mmu_slot_gfn_write_protect,
  kvm_vcpu_write_protect_gfn: entry.kvm_vcpu_write_protect_gfn,
  // aging
  kvm_rmap_age_spte: aging.kvm_rmap_age_spte,
  kvm_rmap_age_rmap: aging.kvm_rmap_age_rmap,
  kvm_rmap_age_walks: aging.kvm_rmap_age_walks,
  kvm_rmap_age_first_gfn: aging.kvm_rmap_age_first_gfn,
  kvm_rmap_age_gfn_range: aging.kvm_rmap_age_gfn_range,
  // the TDP MMU's gates and its stub
  kvm_shadow_root_allocated: tdp.kvm_shadow_root_allocated,
  kvm_memslots_have_rmaps: tdp.kvm_memslots_have_rmaps,
  kvm_may_have_shadow_mmu_sptes: tdp.kvm_may_have_shadow_mmu_sptes,
  mmu_first_shadow_root_alloc: tdp.mmu_first_shadow_root_alloc,
  account_shadowed: tdp.account_shadowed,
  unaccount_shadowed: tdp.unaccount_shadowed,
  kvm_tdp_mmu_map: tdp.kvm_tdp_mmu_map,
  kvm_tdp_mmu_age_gfn_range: tdp.kvm_tdp_mmu_age_gfn_range,
  kvm_tdp_mmu_test_age_gfn: tdp.kvm_tdp_mmu_test_age_gfn,
  kvm_tdp_mmu_unmap_gfn_range: tdp.kvm_tdp_mmu_unmap_gfn_range,
  kvm_tdp_mmu_fast_pf_get_last_sptep: tdp.kvm_tdp_mmu_fast_pf_get_last_sptep,
  tdp_mmu_hw_access: tdp.tdp_mmu_hw_access,
  kvm_age_gfn: aging.kvm_age_gfn,
  kvm_test_age_gfn: aging.kvm_test_age_gfn,
  // mmu_notifier
  kvm_mmu_notifier_clear_flush_young: notifier.kvm_mmu_notifier_clear_flush_young,
  kvm_mmu_notifier_clear_young: notifier.kvm_mmu_notifier_clear_young,
  kvm_mmu_notifier_test_young: notifier.kvm_mmu_notifier_test_young,
  kvm_mmu_notifier_invalidate_range_start: notifier.kvm_mmu_notifier_invalidate_range_start,
  kvm_mmu_notifier_invalidate_range_end: notifier.kvm_mmu_notifier_invalidate_range_end,
  kvm_mmu_notifier_invalidate_range: notifier.kvm_mmu_notifier_invalidate_range,
  kvm_mmu_unmap_gfn_range: notifier.kvm_mmu_unmap_gfn_range,
  // the mmu_notifier invalidation protocol (U5)
  kvm_mmu_invalidate_begin: inval.kvm_mmu_invalidate_begin,
  kvm_mmu_invalidate_range_add: inval.kvm_mmu_invalidate_range_add,
  kvm_mmu_invalidate_end: inval.kvm_mmu_invalidate_end,
  kvm_mmu_fault_mmu_seq: inval.kvm_mmu_fault_mmu_seq,
  kvm_mmu_faultin_pfn: pf.kvm_mmu_faultin_pfn,
  mmu_invalidate_retry_gfn: inval.mmu_invalidate_retry_gfn,
  // zapping
  kvm_zap_rmap: zap.kvm_zap_rmap,
  __walk_slot_rmaps: zap.__walk_slot_rmaps,
  kvm_unmap_gfn_range: zap.kvm_unmap_gfn_range,
  __kvm_rmap_zap_gfn_range: zgr.__kvm_rmap_zap_gfn_range,
  kvm_rmap_zap_gfn_range: zgr.kvm_rmap_zap_gfn_range,
  kvm_zap_gfn_range: zgr.kvm_zap_gfn_range,
  mmu_page_zap_pte: zap.mmu_page_zap_pte,
  kvm_mmu_prepare_zap_page: zap.kvm_mmu_prepare_zap_page,
  kvm_mmu_commit_zap_page: zap.kvm_mmu_commit_zap_page,
  kvm_mmu_free_shadow_page: zap.kvm_mmu_free_shadow_page,
  kvm_mmu_zap_shadow_page: entry.kvm_mmu_zap_shadow_page,
  // the dirty-logging flags change (KVM_MR_FLAGS_ONLY) and its slot-wide walks
  walk_slot_rmaps: srw.walk_slot_rmaps,
  slot_rmap_write_protect: srw.slot_rmap_write_protect,
  kvm_mmu_slot_remove_write_access: srw.kvm_mmu_slot_remove_write_access,
  kvm_mmu_slot_leaf_clear_dirty: srw.kvm_mmu_slot_leaf_clear_dirty,
  kvm_zap_one_rmap_spte: srw.kvm_zap_one_rmap_spte,
  kvm_mmu_zap_collapsible_spte: srw.kvm_mmu_zap_collapsible_spte,
  kvm_rmap_zap_collapsible_sptes: srw.kvm_rmap_zap_collapsible_sptes,
  kvm_mmu_recover_huge_pages: srw.kvm_mmu_recover_huge_pages,
  kvm_mmu_slot_apply_flags: msf.kvm_mmu_slot_apply_flags,
  kvm_swap_active_memslots: msf.kvm_swap_active_memslots,
  kvm_set_memory_region: msf.kvm_set_memory_region,
  kvm_set_memslot: msf.kvm_set_memslot,
  // the deletion of the memslot (KVM_MR_DELETE)
  kvm_invalidate_memslot: msd.kvm_invalidate_memslot,
  kvm_delete_memslot: msd.kvm_delete_memslot,
  kvm_arch_flush_shadow_memslot: msd.kvm_arch_flush_shadow_memslot,
  kvm_mmu_zap_all_fast: msd.kvm_mmu_zap_all_fast,
  kvm_zap_obsolete_pages: msd.kvm_zap_obsolete_pages,
  kvm_mmu_zap_memslot: msd.kvm_mmu_zap_memslot,
  kvm_free_memslot: msd.kvm_free_memslot,
  memslot_rmap_free: msd.memslot_rmap_free,
  // eager page splitting of the shadow MMU (eager_page_split), when dirty logging is enabled
  kvm_mmu_slot_try_split_huge_pages: split.kvm_mmu_slot_try_split_huge_pages,
  kvm_shadow_mmu_try_split_huge_pages: split.kvm_shadow_mmu_try_split_huge_pages,
  shadow_mmu_try_split_huge_pages: split.shadow_mmu_try_split_huge_pages,
  shadow_mmu_try_split_huge_page: split.shadow_mmu_try_split_huge_page,
  need_topup_split_caches_or_resched: split.need_topup_split_caches_or_resched,
  shadow_mmu_get_sp_for_split: split.shadow_mmu_get_sp_for_split,
  shadow_mmu_split_child_spte: split.shadow_mmu_split_child_spte,
  shadow_mmu_split_huge_page: split.shadow_mmu_split_huge_page,
  __link_shadow_page: split.__link_shadow_page,
  drop_large_spte: split.drop_large_spte,
  // faults and the vCPU
  kvm_mmu_get_shadow_page: pf.kvm_mmu_get_shadow_page,
  mmu_set_spte: pf.mmu_set_spte,
  kvm_mmu_page_fault: pf.kvm_mmu_page_fault,
  fast_pf_new_spte: fpf.fast_pf_new_spte,
  fast_pf_fix_direct_spte: fpf.fast_pf_fix_direct_spte,
  fast_page_fault: fpf.fast_page_fault,
  hw_access: hw.hw_access,
};

export type LocklessSymbols = typeof defaultLocklessSymbols;

/** A design or a mutant: the symbols it replaces, given the table it replaces them in. */
export type LocklessOverrides = (base: LocklessSymbols) => Partial<LocklessSymbols>;

export function applyLocklessOverrides(...layers: readonly LocklessOverrides[]): LocklessSymbols {
  let table: LocklessSymbols = defaultLocklessSymbols;
  for (const layer of layers) table = { ...table, ...layer(table) };
  return table;
}
