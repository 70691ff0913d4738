/**
 * The symbol table: every kernel function of impl/ under its kernel name.
 * Kernel functions call each other through kvm.sym, so a design variant or a
 * mutant is a set of replaced symbols, and the unmutated code stays as it is.
 * Where a kernel function is long and a variant changes one part of it, the
 * part is a symbol of its own (each such split carries a DEVIATION comment).
 */
import * as handlers from "./handlers";
import * as hardware from "./hardware";
import * as hva from "./hva";
import * as invalid from "./invalid_rmap";
import * as lifecycle from "./memslot_lifecycle";
import * as memslot from "./memslot";
import * as mmu_page from "./mmu_page";
import * as page_fault from "./page_fault";
import * as pte_list from "./pte_list";
import * as clear from "./pte_list_clear_concurrently";
import * as rmap from "./rmap";
import * as iterator from "./rmap_iterator";
import * as ops from "./rmap_ops";
import * as spte from "./spte";
import * as wp from "./write_protect";
import * as zap_obsolete from "./zap_obsolete";

export const defaultSymbols = {
  // spte primitives
  __set_spte: spte.__set_spte,
  __update_clear_spte_fast: spte.__update_clear_spte_fast,
  __update_clear_spte_slow: spte.__update_clear_spte_slow,
  spte_has_volatile_bits: spte.spte_has_volatile_bits,
  mmu_spte_set: spte.mmu_spte_set,
  mmu_spte_update: spte.mmu_spte_update,
  mmu_spte_clear_track_bits: spte.mmu_spte_clear_track_bits,
  mmu_spte_clear_no_track: spte.mmu_spte_clear_no_track,
  __mmu_spte_track_bits: spte.__mmu_spte_track_bits,
  kvm_set_pfn_accessed: spte.kvm_set_pfn_accessed,
  kvm_set_pfn_dirty: spte.kvm_set_pfn_dirty,
  // pte lists
  mmu_alloc_pte_list_desc: pte_list.mmu_alloc_pte_list_desc,
  mmu_free_pte_list_desc: pte_list.mmu_free_pte_list_desc,
  desc_to_rmap_head: pte_list.desc_to_rmap_head,
  pte_list_desc_is_full: pte_list.pte_list_desc_is_full,
  pte_list_add: pte_list.pte_list_add,
  pte_list_desc_last_entry: pte_list.pte_list_desc_last_entry,
  pte_list_desc_unlink: pte_list.pte_list_desc_unlink,
  pte_list_desc_remove_entry: pte_list.pte_list_desc_remove_entry,
  pte_list_remove: pte_list.pte_list_remove,
  pte_list_clear_concurrently: clear.pte_list_clear_concurrently,
  pte_list_reset_entry: clear.pte_list_reset_entry,
  rmap_get_first: iterator.rmap_get_first,
  rmap_get_next: iterator.rmap_get_next,
  // memslots and rmaps
  gfn_to_index: memslot.gfn_to_index,
  __gfn_to_rmap: memslot.__gfn_to_rmap,
  gfn_to_memslot: memslot.gfn_to_memslot,
  gfn_to_rmap: memslot.gfn_to_rmap,
  kvm_arch_create_memslot: memslot.kvm_arch_create_memslot,
  init_memslot_rmap_ops: memslot.init_memslot_rmap_ops,
  rmap_add: rmap.rmap_add,
  rmap_remove: rmap.rmap_remove,
  drop_spte: rmap.drop_spte,
  // handlers
  kvm_unmap_rmapp: handlers.kvm_unmap_rmapp,
  kvm_set_pte_rmapp: handlers.kvm_set_pte_rmapp,
  set_pte_rmapp_new_spte: handlers.set_pte_rmapp_new_spte,
  clear_bit: handlers.clear_bit,
  kvm_age_rmapp: handlers.kvm_age_rmapp,
  kvm_test_age_rmapp: handlers.kvm_test_age_rmapp,
  __drop_large_spte: handlers.__drop_large_spte,
  spte_write_protect: handlers.spte_write_protect,
  __rmap_write_protect: handlers.__rmap_write_protect,
  kvm_handle_hva_range: hva.kvm_handle_hva_range,
  hva_range_rmaps: hva.hva_range_rmaps,
  rmap_write_protect: wp.rmap_write_protect,
  kvm_mmu_write_protect_pt_masked: wp.kvm_mmu_write_protect_pt_masked,
  // the series' ops tables
  normal_rmap_ops: ops.normal_rmap_ops,
  invalid_rmap_ops: ops.invalid_rmap_ops,
  slot_rmap_add: ops.slot_rmap_add,
  slot_rmap_remove: ops.slot_rmap_remove,
  slot_rmap_write_protect: ops.slot_rmap_write_protect,
  slot_rmap_set_pte: ops.slot_rmap_set_pte,
  slot_rmap_age: ops.slot_rmap_age,
  slot_rmap_test_age: ops.slot_rmap_test_age,
  slot_rmap_unmap: ops.slot_rmap_unmap,
  invalid_rmap_add: invalid.invalid_rmap_add,
  invalid_rmap_remove: invalid.invalid_rmap_remove,
  invalid_rmap_write_protect: invalid.invalid_rmap_write_protect,
  invalid_rmap_set_pte: invalid.invalid_rmap_set_pte,
  __kvm_unmap_invalid_rmapp: invalid.__kvm_unmap_invalid_rmapp,
  __kvm_unmap_invalid_spte: invalid.__kvm_unmap_invalid_spte,
  kvm_unmap_invalid_rmapp: invalid.kvm_unmap_invalid_rmapp,
  wait_being_unmapped_rmap: invalid.wait_being_unmapped_rmap,
  kvm_unmap_invalid_rmapp_nolock: invalid.kvm_unmap_invalid_rmapp_nolock,
  publish_being_unmapped_rmap: invalid.publish_being_unmapped_rmap,
  unpublish_being_unmapped_rmap: invalid.unpublish_being_unmapped_rmap,
  // shadow pages
  is_obsolete_sp: mmu_page.is_obsolete_sp,
  kvm_mmu_alloc_page: mmu_page.kvm_mmu_alloc_page,
  kvm_mmu_get_page: mmu_page.kvm_mmu_get_page,
  kvm_mmu_get_page_can_reuse: mmu_page.kvm_mmu_get_page_can_reuse,
  mmu_page_zap_pte: mmu_page.mmu_page_zap_pte,
  kvm_mmu_prepare_zap_page: mmu_page.kvm_mmu_prepare_zap_page,
  kvm_mmu_commit_zap_page: mmu_page.kvm_mmu_commit_zap_page,
  kvm_mmu_free_page: mmu_page.kvm_mmu_free_page,
  mmu_set_spte: page_fault.mmu_set_spte,
  __gfn_to_hva_many: page_fault.__gfn_to_hva_many,
  kvm_mmu_page_fault: page_fault.kvm_mmu_page_fault,
  kvm_mmu_shadow_gfn: wp.kvm_mmu_shadow_gfn,
  kvm_read_guest_page: wp.kvm_read_guest_page,
  fast_pf_fix_direct_spte: hardware.fast_pf_fix_direct_spte,
  // memslot lifecycle
  kvm_arch_flush_shadow_memslot: lifecycle.kvm_arch_flush_shadow_memslot,
  kvm_arch_flush_shadow_all: lifecycle.kvm_arch_flush_shadow_all,
  kvm_mmu_invalidate_memslot_pages: lifecycle.kvm_mmu_invalidate_memslot_pages,
  kvm_mmu_invalidate_memslot_pages_locked: lifecycle.kvm_mmu_invalidate_memslot_pages_locked,
  kvm_mmu_bump_valid_gen: lifecycle.kvm_mmu_bump_valid_gen,
  kvm_memslot_mark_invalid: lifecycle.kvm_memslot_mark_invalid,
  switch_memslot_rmap_ops: lifecycle.switch_memslot_rmap_ops,
  unmap_memslot_rmap_nolock: lifecycle.unmap_memslot_rmap_nolock,
  unmap_memslot_level_nolock: lifecycle.unmap_memslot_level_nolock,
  free_meslot_rmap_desc_nolock: lifecycle.free_meslot_rmap_desc_nolock,
  kvm_arch_free_memslot: lifecycle.kvm_arch_free_memslot,
  kvm_free_memslot: lifecycle.kvm_free_memslot,
  kvm_mmu_zap_all: lifecycle.kvm_mmu_zap_all,
  kvm_delete_memslot: lifecycle.kvm_delete_memslot,
  kvm_mmu_zap_page: lifecycle.kvm_mmu_zap_page,
  kvm_mmu_remove_some_alloc_mmu_pages: lifecycle.kvm_mmu_remove_some_alloc_mmu_pages,
  mmu_shrink_locked: lifecycle.mmu_shrink_locked,
  kvm_mmu_invalid_all_pages: lifecycle.kvm_mmu_invalid_all_pages,
  // the 3.11 fast invalidation (merged-3.11)
  kvm_mmu_invalidate_zap_all_pages: zap_obsolete.kvm_mmu_invalidate_zap_all_pages,
  kvm_zap_obsolete_pages: zap_obsolete.kvm_zap_obsolete_pages,
  kvm_zap_obsolete_lock_break: zap_obsolete.kvm_zap_obsolete_lock_break,
  cond_resched_lock: zap_obsolete.cond_resched_lock,
};

export type Symbols = typeof defaultSymbols;

/**
 * A design or a mutant: the symbols it replaces, given the symbols it
 * replaces them in (so a replacement can call the one it wraps).
 */
export type Overrides = (base: Symbols) => Partial<Symbols>;

/** The symbol table with each layer of overrides applied in turn. */
export function applyOverrides(...layers: readonly Overrides[]): Symbols {
  let table: Symbols = defaultSymbols;
  for (const layer of layers) table = { ...table, ...layer(table) };
  return table;
}
