/**
 * The lock-breaking kvm_mmu_zap_all of 2019 (Linux 5.3; spec §3.3 "later
 * history"): in February 2019 the 3.11 fast invalidation was reverted
 * (ea145aacf4ae, 7390de1e99a7, ...), kvm_mmu_zap_all learned to drop mmu_lock
 * between pages, and after d012a06ab1d2 a memslot DELETE called it with the
 * guest's vCPUs running. 92f58b5c0181 (September 2019) reintroduced the fast
 * invalidation "to fix a livelock bug in kvm_mmu_zap_all() that can occur if
 * kvm_mmu_zap_all() is invoked when the guest has live vCPUs".
 *
 * The walk starts at the head of active_mmu_pages (the newest page) and
 * restarts there after every lock-break, so pages that vCPUs create while the
 * lock is dropped are the next ones zapped.
 */
import { type KGen, load, spinLock, spinUnlock } from "../runtime/step";
import { fieldOf, type Kvm, MMU_PAGE } from "./kvm";
import type { Overrides } from "./symbols";
import { kvm_free_memslot } from "./zap_obsolete";

/**
 * __kvm_mmu_prepare_zap_page (5.x): kvm_mmu_prepare_zap_page, returning
 * whether the list became unstable (unsync children were zapped as well).
 * DEVIATION: no unsync children are simulated, so never.
 */
function* __kvm_mmu_prepare_zap_page(kvm: Kvm, sp: number, invalid_list: number[]): KGen<boolean> {
  yield* kvm.sym.kvm_mmu_prepare_zap_page(kvm, sp, invalid_list);
  return false;
}

/**
 * kvm_mmu_zap_all (5.3): list_for_each_entry_safe over active_mmu_pages from
 * the head, skipping invalid roots (`sp->role.invalid && sp->root_count`: no
 * roots are simulated, so the role.invalid load is the whole test and never
 * true), zapping each page onto a local invalid_list, restarting after every
 * cond_resched_lock; one kvm_mmu_commit_zap_page at the end.
 */
export function* kvm_mmu_zap_all(kvm: Kvm): KGen<void> {
  const invalid_list: number[] = [];
  yield spinLock("kvm_mmu_zap_all: spin_lock(mmu_lock)");
  let at = 0;
  while (at < kvm.active_mmu_pages.length) {
    const sp = kvm.active_mmu_pages[at]!;
    const root_count = 0;
    if ((yield load(fieldOf(sp, MMU_PAGE.invalid), "mmu_page", "kvm_mmu_zap_all: load sp->role.invalid")) && root_count) {
      at++;
      continue;
    }
    const unstable = yield* __kvm_mmu_prepare_zap_page(kvm, sp, invalid_list);
    if (unstable || (yield* kvm.sym.cond_resched_lock(kvm))) at = 0; // goto restart
    // Without a restart the walk goes on at the page after sp, which now sits where sp was.
  }
  yield* kvm.sym.kvm_mmu_commit_zap_page(kvm, invalid_list);
  yield spinUnlock("kvm_mmu_zap_all: spin_unlock(mmu_lock)");
}

/** x86.c kvm_arch_flush_shadow_memslot (5.3, after d012a06ab1d2): kvm_mmu_zap_all through the page-track flush notifier. */
function* kvm_arch_flush_shadow_memslot(kvm: Kvm): KGen<void> {
  yield* kvm.sym.kvm_mmu_zap_all(kvm);
}

/** x86.c kvm_arch_flush_shadow_all (5.3). */
function* kvm_arch_flush_shadow_all(kvm: Kvm): KGen<void> {
  yield* kvm.sym.kvm_mmu_zap_all(kvm);
}

/** The 5.3 symbols over the v3 table (rmap ops are never switched: every rmap operation is the normal one). */
export const zapAll2019: Overrides = () => ({
  kvm_mmu_zap_all,
  kvm_arch_flush_shadow_memslot,
  kvm_arch_flush_shadow_all,
  kvm_free_memslot,
});
