/** Mutants that wire one entry of an rmap operations table wrongly (spec §5 M1, M2, M11). */
import type { Overrides } from "../symbols";

/** M2 invalid-remove-is-pte-list-remove: invalid_rmap_ops.rmap_remove is the normal pte_list_remove (back-fill and free on a remove-only list). */
export const invalid_ops_normal_remove: Overrides = (base) => ({
  invalid_rmap_ops: { ...base.invalid_rmap_ops, rmap_remove: (kvm, spte, rmapp) => kvm.sym.pte_list_remove(kvm, spte, rmapp) },
});

/** M1 invalid-unmap-is-normal: invalid_rmap_ops.rmap_unmap is kvm_unmap_rmapp, which dereferences SKIP entries and removes with back-fill. */
export const invalid_ops_normal_unmap: Overrides = (base) => ({
  invalid_rmap_ops: { ...base.invalid_rmap_ops, rmap_unmap: (kvm, rmapp) => kvm.sym.kvm_unmap_rmapp(kvm, rmapp) },
});

/** invalid-set-pte-remaps: invalid_rmap_ops.rmap_set_pte is the normal kvm_set_pte_rmapp. */
export const invalid_ops_normal_set_pte: Overrides = (base) => ({
  invalid_rmap_ops: { ...base.invalid_rmap_ops, rmap_set_pte: (kvm, rmapp, ptep) => kvm.sym.kvm_set_pte_rmapp(kvm, rmapp, ptep) },
});

/** M11 normal-remove-writes-skip: normal_rmap_ops.rmap_remove resets entries to SKIP, leaving SKIP in valid rmaps. */
export const normal_ops_clear_concurrently: Overrides = (base) => ({
  normal_rmap_ops: { ...base.normal_rmap_ops, rmap_remove: (kvm, spte, rmapp) => kvm.sym.pte_list_clear_concurrently(kvm, spte, rmapp) },
});
