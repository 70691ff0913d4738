/**
 * A candidate change for L5 (docs/findings-lockless.md), not kernel code:
 * shadow_mmu_split_huge_page as 6.15 has it reads the huge spte once
 * (READ_ONCE) and makes every child from that value, while the lockless ager
 * may access-track the huge spte after the read; the children then give back
 * the W the tracking removed. Here the huge spte is cleared first
 * (drop_spte: mmu_spte_clear_track_bits, whose xchg returns the value the
 * spte held at the instant it left, then its rmap entry removed), and the
 * children are made from that final value, which no lockless thread can
 * change any more. The gfn is in no rmap of the slot between the drop and
 * the first child's __rmap_add; every lock holder waits on mmu_lock, a
 * fast page fault finds the huge spte not present and takes the slow path,
 * and an aging call may then answer "old" (AGE-RESULT allows either answer
 * when no spte stayed present and young for the whole call).
 * DEVIATION: the design `split-after-drop` replaces shadow_mmu_split_huge_page
 * with this function; __link_shadow_page then finds nothing present and
 * installs nothing (the non-leaf spte is not simulated, eager_split.ts), so
 * the flush drop_large_spte would make is made here, after the children.
 */
import { type KGen, warn } from "../../runtime/step";
import { shadow_mmu_split_children } from "./eager_split";
import type { Kvm } from "./kvm";
import { kvm_mmu_page_get_gfn, spte_index, sptep_to_sp } from "./rmap";
import { is_shadow_present_pte } from "./spte_bits";
import { kvm_flush_remote_tlbs } from "./steps";

/** shadow_mmu_split_huge_page with the huge spte dropped before the children are made from the value the drop returned. */
export function* shadow_mmu_split_huge_page_after_drop(kvm: Kvm, slot: number, huge_sptep: number): KGen<void> {
  const huge_sp = sptep_to_sp(kvm, huge_sptep);
  const huge_gfn = kvm_mmu_page_get_gfn(kvm, huge_sp, spte_index(kvm, huge_sptep));
  const sp = yield* kvm.sym.shadow_mmu_get_sp_for_split(kvm, huge_sptep);
  const huge_spte = yield* kvm.sym.mmu_spte_clear_track_bits(kvm, huge_sptep);
  if (!is_shadow_present_pte(huge_spte)) {
    // Under mmu_lock for write a huge spte found in an rmap stays present (the ager only access-tracks it).
    yield warn("shadow_mmu_split_huge_page (after drop): WARN_ON_ONCE(!is_shadow_present_pte(huge_spte))");
    return;
  }
  yield* kvm.sym.rmap_remove(kvm, huge_sptep);
  const flush = yield* shadow_mmu_split_children(kvm, slot, huge_sp, huge_gfn, sp, huge_spte);
  if (flush) yield kvm_flush_remote_tlbs("shadow_mmu_split_huge_page (after drop): kvm_flush_remote_tlbs_sptep");
}
