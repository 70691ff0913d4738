/**
 * Entry points that take mmu_lock around a kernel function whose callers
 * hold it (spec §5.2 Z, W). DEVIATION: each stands for the callers named in
 * its comment, which do the same lock / call / flush / unlock.
 */
import type { KGen } from "../../runtime/step";
import { gfn_in_slot, type Kvm } from "./kvm";
import { find_shadow_page } from "./page_fault";
import { kvm_flush_remote_tlbs, write_lock, write_unlock } from "./steps";

/**
 * Zap one chosen shadow page, as the MMU shrinker (kvm_mmu_zap_oldest_mmu_pages)
 * or kvm_mmu_unprotect_gfn_and_retry do: prepare, commit, under mmu_lock.
 * Returns 1 when the page existed.
 */
export function* kvm_mmu_zap_shadow_page(kvm: Kvm, gfn: number, level: number, quadrant: number, nested: boolean): KGen<number> {
  yield write_lock("kvm_mmu_zap_shadow_page");
  const sp = find_shadow_page(kvm, gfn, level, quadrant, !nested);
  const invalid_list: number[] = [];
  if (sp) yield* kvm.sym.kvm_mmu_prepare_zap_page(kvm, sp, invalid_list);
  yield* kvm.sym.kvm_mmu_commit_zap_page(kvm, invalid_list);
  yield write_unlock("kvm_mmu_zap_shadow_page");
  return sp ? 1 : 0;
}

/**
 * kvm_vcpu_write_protect_gfn as account_shadowed uses it: under mmu_lock,
 * kvm_mmu_slot_gfn_write_protect(gfn, PG_LEVEL_4K), then flush if needed.
 * Nothing for a gfn without a memslot.
 */
export function* kvm_vcpu_write_protect_gfn(kvm: Kvm, gfn: number): KGen<number> {
  if (!gfn_in_slot(kvm, gfn)) return 0;
  yield write_lock("kvm_vcpu_write_protect_gfn");
  const wp = yield* kvm.sym.kvm_mmu_slot_gfn_write_protect(kvm, kvm.slot, gfn, 1);
  if (wp) yield kvm_flush_remote_tlbs("kvm_vcpu_write_protect_gfn");
  yield write_unlock("kvm_vcpu_write_protect_gfn");
  return wp ? 1 : 0;
}
