/**
 * struct rmap_operations (patch 05), normal_rmap_ops and invalid_rmap_ops
 * (patch 07) side by side, and the slot_rmap_* dispatch (patch 04).
 *
 * The ops pointer lives in the memslot (slot->arch.ops) and is loaded once per
 * slot_rmap_* call. Table entries call through kvm.sym so that a mutant or a
 * design variant replaces one kernel function everywhere it is used.
 */
import { type KGen, load } from "../runtime/step";
import { fieldOf, type Kvm, MEMSLOT, RMAP_OPS_INVALID } from "./kvm";
import type { pte_t } from "./host_pte";

export interface rmap_operations {
  rmap_add(kvm: Kvm, spte: number, rmapp: number): KGen<number>;
  rmap_remove(kvm: Kvm, spte: number, rmapp: number): KGen<void>;
  rmap_write_protect(kvm: Kvm, rmapp: number, pt_protect: boolean): KGen<boolean>;
  rmap_set_pte(kvm: Kvm, rmapp: number, ptep: pte_t): KGen<number>;
  rmap_age(kvm: Kvm, rmapp: number): KGen<number>;
  rmap_test_age(kvm: Kvm, rmapp: number): KGen<number>;
  rmap_unmap(kvm: Kvm, rmapp: number): KGen<number>;
}

/** normal_rmap_ops [I]: the v3.10 functions. */
export const normal_rmap_ops: rmap_operations = {
  rmap_add: (kvm, spte, rmapp) => kvm.sym.pte_list_add(kvm, spte, rmapp),
  rmap_remove: (kvm, spte, rmapp) => kvm.sym.pte_list_remove(kvm, spte, rmapp),
  rmap_write_protect: (kvm, rmapp, pt_protect) => kvm.sym.__rmap_write_protect(kvm, rmapp, pt_protect),
  rmap_set_pte: (kvm, rmapp, ptep) => kvm.sym.kvm_set_pte_rmapp(kvm, rmapp, ptep),
  rmap_age: (kvm, rmapp) => kvm.sym.kvm_age_rmapp(kvm, rmapp),
  rmap_test_age: (kvm, rmapp) => kvm.sym.kvm_test_age_rmapp(kvm, rmapp),
  rmap_unmap: (kvm, rmapp) => kvm.sym.kvm_unmap_rmapp(kvm, rmapp),
};

/** invalid_rmap_ops [C], patch 07: every handler unmaps; add and write-protect WARN. */
export const invalid_rmap_ops: rmap_operations = {
  rmap_add: (kvm, spte, rmapp) => kvm.sym.invalid_rmap_add(kvm, spte, rmapp),
  rmap_remove: (kvm, spte, rmapp) => kvm.sym.invalid_rmap_remove(kvm, spte, rmapp),
  rmap_write_protect: (kvm, rmapp, pt_protect) => kvm.sym.invalid_rmap_write_protect(kvm, rmapp, pt_protect),
  rmap_set_pte: (kvm, rmapp, ptep) => kvm.sym.invalid_rmap_set_pte(kvm, rmapp, ptep),
  rmap_age: (kvm, rmapp) => kvm.sym.kvm_unmap_invalid_rmapp(kvm, rmapp),
  rmap_test_age: (kvm, rmapp) => kvm.sym.kvm_unmap_invalid_rmapp(kvm, rmapp),
  rmap_unmap: (kvm, rmapp) => kvm.sym.kvm_unmap_invalid_rmapp(kvm, rmapp),
};

/** Load slot->arch.ops and return the table it points at. */
export function* slot_rmap_ops(kvm: Kvm, slot: number, who: string): KGen<rmap_operations> {
  const ops = yield load(fieldOf(slot, MEMSLOT.ops), "memslot", `${who}: load slot->arch.ops`);
  return ops === RMAP_OPS_INVALID ? kvm.sym.invalid_rmap_ops : kvm.sym.normal_rmap_ops;
}

export function* slot_rmap_add(kvm: Kvm, slot: number, spte: number, rmapp: number): KGen<number> {
  return yield* (yield* slot_rmap_ops(kvm, slot, "slot_rmap_add")).rmap_add(kvm, spte, rmapp);
}

export function* slot_rmap_remove(kvm: Kvm, slot: number, spte: number, rmapp: number): KGen<void> {
  yield* (yield* slot_rmap_ops(kvm, slot, "slot_rmap_remove")).rmap_remove(kvm, spte, rmapp);
}

export function* slot_rmap_write_protect(kvm: Kvm, slot: number, rmapp: number, pt_protect: boolean): KGen<boolean> {
  return yield* (yield* slot_rmap_ops(kvm, slot, "slot_rmap_write_protect")).rmap_write_protect(kvm, rmapp, pt_protect);
}

export function* slot_rmap_set_pte(kvm: Kvm, slot: number, rmapp: number, ptep: pte_t): KGen<number> {
  return yield* (yield* slot_rmap_ops(kvm, slot, "slot_rmap_set_pte")).rmap_set_pte(kvm, rmapp, ptep);
}

export function* slot_rmap_age(kvm: Kvm, slot: number, rmapp: number): KGen<number> {
  return yield* (yield* slot_rmap_ops(kvm, slot, "slot_rmap_age")).rmap_age(kvm, rmapp);
}

export function* slot_rmap_test_age(kvm: Kvm, slot: number, rmapp: number): KGen<number> {
  return yield* (yield* slot_rmap_ops(kvm, slot, "slot_rmap_test_age")).rmap_test_age(kvm, rmapp);
}

export function* slot_rmap_unmap(kvm: Kvm, slot: number, rmapp: number): KGen<number> {
  return yield* (yield* slot_rmap_ops(kvm, slot, "slot_rmap_unmap")).rmap_unmap(kvm, rmapp);
}
