/**
 * A mutant of a design's own code (design v3-alt-fix1-wq, impl/alt_fix1.ts):
 * it replaces the design's symbol kvm_mmu_free_page_rcu, and calls the
 * design's kvm_mmu_free_zapped_work from the table instead of copying it.
 */
import type { KGen } from "../../runtime/step";
import { asOverrides } from "../alt_fix1";
import type { Kvm } from "../kvm";

/** alt-fix1-callback-takes-mmu-lock: the SRCU callback frees under mmu_lock itself, in softirq context. */
export const callback_takes_mmu_lock = asOverrides((base) => ({
  *kvm_mmu_free_page_rcu(kvm: Kvm, pages: number[]): KGen<void> {
    yield* base.kvm_mmu_free_zapped_work(kvm, pages);
  },
}));
