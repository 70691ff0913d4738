/**
 * Another fix for F1 (docs/findings.md, "v3-alt-fix1"; the worked example of
 * docs/new-design.md), not from the series: instead of making
 * kvm_mmu_commit_zap_page wait for being_unmapped_rmap (v3-fixed's fix 1),
 *   - the lock-free unmapper walks each rmap inside a read section of an
 *     srcu_struct of the design's own, kvm->arch.rmap_srcu;
 *   - kvm_mmu_commit_zap_page hands the zapped pages to call_srcu on it, and
 *     the callback frees them.
 * The grace period waits for the unmappers that were inside an rmap when the
 * pages were queued, and only for them: an MMU notifier that loads an entry
 * the unmapper has not reset yet, after the call_srcu, is not waited for,
 * and reads the spte after the callback freed its page (INV-MEM).
 *
 * v3-alt-fix1-wq corrects it: the callback, which runs in atomic context and
 * may not take mmu_lock, only queues a work item; the kworker frees the pages
 * under mmu_lock. The notifiers walk invalid rmaps under mmu_lock, so a walk
 * that found an entry naming a queued page ends before the free; and after
 * the grace period no entry names one (the unmapper that won a clear resets
 * its entry inside its read section, which began before the queueing).
 *
 * The design's own functions are symbols of the table (AltFix1Symbols), so a
 * mutant can replace one of them without copying the rest.
 */
import { callSrcu, scheduleWork } from "../runtime/deferral";
import { type KGen, smpMb, spinLock, spinUnlock, srcuReadLock, srcuReadUnlock } from "../runtime/step";
import type { Kvm } from "./kvm";
import { flushRemoteTlbs } from "./steps";
import type { Overrides, Symbols } from "./symbols";

/** kvm->arch.rmap_srcu: the design's own srcu_struct (an engine SRCU domain beside KVM_SRCU, KVM_IRQ_SRCU). */
export const RMAP_SRCU = 2;

export const ALT_FIX1_RACE =
  "a use-after-free: an MMU notifier loads an rmap entry the unmapper has not reset yet after the call_srcu; " +
  "the grace period does not wait for it, and the callback frees the page under it";

/** The design's own symbols (DEVIATION: not kernel functions; named as a patch would name them). */
export interface AltFix1Symbols {
  kvm_mmu_free_page_rcu(kvm: Kvm, pages: number[]): KGen<void>;
  kvm_mmu_free_zapped_work(kvm: Kvm, pages: number[]): KGen<void>;
}

const sym = (kvm: Kvm): Symbols & AltFix1Symbols => kvm.sym as Symbols & AltFix1Symbols;

/** Overrides that may name the design's own symbols too. */
export type DesignOverrides = (base: Symbols & AltFix1Symbols) => Partial<Symbols & AltFix1Symbols>;
export const asOverrides = (o: DesignOverrides): Overrides => o as unknown as Overrides;

/** The SRCU callback: free each zapped page (atomic context). */
export function* kvm_mmu_free_page_rcu(kvm: Kvm, pages: number[]): KGen<void> {
  for (const sp of pages) yield* kvm.sym.kvm_mmu_free_page(kvm, sp);
}

/** The corrected callback: only queue the free for the kworker. */
export function* kvm_mmu_free_page_rcu_wq(kvm: Kvm, pages: number[]): KGen<void> {
  const work = (): KGen<void> => sym(kvm).kvm_mmu_free_zapped_work(kvm, pages);
  yield scheduleWork(work, "kvm_mmu_free_page_rcu: schedule_work(&kvm->arch.free_zapped_work)");
}

/** The work item: free the pages under mmu_lock (process context). */
export function* kvm_mmu_free_zapped_work(kvm: Kvm, pages: number[]): KGen<void> {
  yield spinLock("kvm_mmu_free_zapped_work: spin_lock(mmu_lock)");
  for (const sp of pages) yield* kvm.sym.kvm_mmu_free_page(kvm, sp);
  yield spinUnlock("kvm_mmu_free_zapped_work: spin_unlock(mmu_lock)");
}

/** kvm_mmu_commit_zap_page: flush, then queue the pages for freeing after a grace period of rmap_srcu. */
export function* commit_zap_call_srcu(kvm: Kvm, invalid_list: number[]): KGen<void> {
  if (invalid_list.length === 0) return;
  yield smpMb("kvm_mmu_commit_zap_page: smp_mb");
  yield flushRemoteTlbs("kvm_mmu_commit_zap_page: kvm_flush_remote_tlbs");
  const pages = invalid_list.splice(0);
  const cb = (): KGen<void> => sym(kvm).kvm_mmu_free_page_rcu(kvm, pages);
  yield callSrcu(RMAP_SRCU, cb, "kvm_mmu_commit_zap_page: call_srcu(&kvm->arch.rmap_srcu, kvm_mmu_free_page_rcu)");
}

/** The unmapper's walk of one rmap, inside a read section of rmap_srcu. */
const unmapInSection: DesignOverrides = (base) => ({
  *kvm_unmap_invalid_rmapp_nolock(kvm: Kvm, rmapp: number): KGen<void> {
    yield srcuReadLock("kvm_unmap_invalid_rmapp_nolock: srcu_read_lock(&kvm->arch.rmap_srcu)", RMAP_SRCU);
    yield* base.kvm_unmap_invalid_rmapp_nolock(kvm, rmapp);
    yield srcuReadUnlock("kvm_unmap_invalid_rmapp_nolock: srcu_read_unlock(&kvm->arch.rmap_srcu)", RMAP_SRCU);
  },
});

/** v3-alt-fix1's part (F2's fix is added in impl/designs.ts). */
export const altFix1: Overrides = asOverrides((base) => ({
  ...unmapInSection(base),
  kvm_mmu_commit_zap_page: commit_zap_call_srcu,
  kvm_mmu_free_page_rcu,
  kvm_mmu_free_zapped_work,
}));

/** v3-alt-fix1-wq's part: the same, with the callback handing the free to the kworker. */
export const altFix1Wq: Overrides = asOverrides((base) => ({
  ...(altFix1 as unknown as DesignOverrides)(base),
  kvm_mmu_free_page_rcu: kvm_mmu_free_page_rcu_wq,
}));
