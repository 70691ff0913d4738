/**
 * Design variants (--design): each is the v3 symbol table with some kernel
 * functions replaced. See docs/findings.md for what the checker concludes.
 */
import type { ExecutorKind } from "../runtime/deferral";
import { type KGen, smpMb, spinLock, spinUnlock, waitUntil } from "../runtime/step";
import { altFix1, altFix1Wq, ALT_FIX1_RACE } from "./alt_fix1";
import { KVM, type Kvm } from "./kvm";
import { pte_list_reset_entry_cmpxchg } from "./pte_list_clear_concurrently";
import { flushRemoteTlbs, reloadRemoteMmus } from "./steps";
import type { Overrides } from "./symbols";
import { zapAll2019 } from "./zap_all_2019";
import { zapRootsV1, zapRootsV1Track } from "./zap_roots";
import { merged311 } from "./zap_obsolete";

/**
 * How a design keeps memory safe beyond what every correct design must keep
 * (docs/new-design.md, "Safety and discipline"). The checker holds a design
 * to the rules it declares, as invariants, on top of the universal ones; a
 * design that declares none is judged on safety alone.
 *   frees-under-mmu_lock            shadow pages, and descs of a valid slot, are freed
 *                                   only by the mmu_lock holder (INV-LOCK)
 *   being_unmapped_rmap-handshake   descs of an invalid slot are not freed while an
 *                                   unmapper is published in being_unmapped_rmap (INV-DESC-LIVE)
 */
export type Discipline = "frees-under-mmu_lock" | "being_unmapped_rmap-handshake";
/** What the designs of Linux and of the series rely on. */
export const MMU_LOCK_AND_HANDSHAKE: readonly Discipline[] = ["frees-under-mmu_lock", "being_unmapped_rmap-handshake"];

/** Where a design's known race shows (properties/default_budget.test.ts checks each). */
export interface RaceEvidence {
  /** Seeds on which the default sampled check (`rmapcheck --design NAME --seed S`) finds it. */
  readonly seeds: readonly number[];
  /** A scenario of scenarios/ on which --exhaustive finds it within `preemptions`. */
  readonly scenario?: { readonly name: string; readonly preemptions: number };
}

export interface Design {
  readonly name: string;
  readonly summary: string;
  /**
   * How a DELETE empties a slot (kvm_arch_flush_shadow_memslot): zap every
   * shadow page (v3.10 under one mmu_lock hold; 5.3 with lock-breaks), make
   * every page obsolete and unmap the slot's rmaps (the series), or make every
   * page obsolete and zap the obsolete pages with lock-breaks (3.11).
   */
  readonly flush: "zap-all" | "invalidate" | "zap-obsolete";
  readonly overrides: Overrides;
  /** The race docs/findings.md documents for this design, in a few words; null: none is known. */
  readonly knownRace: string | null;
  /** Where the known race shows; absent: seed 1 of the default check. */
  readonly shownBy?: RaceEvidence;
  /** The rules beyond safety it keeps and is checked against (Discipline). */
  readonly discipline: readonly Discipline[];
  /** The executor threads its deferred work runs on (runtime/deferral.ts); absent: none. */
  readonly executors?: readonly ExecutorKind[];
}

/** v3.10: every rmap change under mmu_lock; a deleted slot is emptied by kvm_mmu_zap_all. */
function* baseline_flush_shadow_memslot(kvm: Kvm, slot: number): KGen<void> {
  yield* kvm.sym.kvm_mmu_zap_all(kvm);
  yield reloadRemoteMmus("kvm_arch_flush_shadow_memslot: kvm_reload_remote_mmus");
}

function* baseline_flush_shadow_all(kvm: Kvm, slots: number[]): KGen<void> {
  yield* kvm.sym.kvm_mmu_zap_all(kvm);
}

/** v3.10 kvm_free_physmem_slot: only the head arrays are freed. */
function* baseline_free_memslot(kvm: Kvm, slot: number): KGen<void> {
  yield* kvm.sym.kvm_arch_free_memslot(kvm, slot);
}

/** v3-no-handshake: the unmapper publishes nothing, and lock holders do not wait. */
function* nothing(): KGen<void> {}

/**
 * Fix 1 (docs/findings.md, F1): before freeing zapped pages, wait until no
 * lock-free unmapper is inside any rmap. The v3 handshake waits only after a
 * clear this thread won; when the unmapper won, the page was freed while the
 * unmapper had not yet reset the entry that names it.
 */
function* commit_zap_waits_for_unmapper(kvm: Kvm, invalid_list: number[]): KGen<void> {
  if (invalid_list.length === 0) return;
  yield smpMb("kvm_mmu_commit_zap_page: smp_mb");
  yield flushRemoteTlbs("kvm_mmu_commit_zap_page: kvm_flush_remote_tlbs");
  yield waitUntil(kvm.field(KVM.being_unmapped_rmap), "kvm", 0, "kvm_mmu_commit_zap_page: spin until kvm->arch.being_unmapped_rmap == NULL");
  while (invalid_list.length > 0) yield* kvm.sym.kvm_mmu_free_page(kvm, invalid_list.shift()!);
}

/**
 * Fix 2 (docs/findings.md, F2): after the lock-free unmap, take and release
 * mmu_lock once, so that a lock holder that cleared a spte of the slot (and so
 * was skipped by the unmapper) finishes its rmap_remove while the slot is
 * still installed.
 */
const fix2: Overrides = (base) => ({
  *kvm_mmu_invalidate_memslot_pages(kvm: Kvm, slots: number[]): KGen<void> {
    yield* base.kvm_mmu_invalidate_memslot_pages(kvm, slots);
    yield spinLock("kvm_mmu_invalidate_memslot_pages: spin_lock(mmu_lock) (barrier)");
    yield spinUnlock("kvm_mmu_invalidate_memslot_pages: spin_unlock(mmu_lock) (barrier)");
  },
});

const fix1: Overrides = () => ({ kvm_mmu_commit_zap_page: commit_zap_waits_for_unmapper });

/** The races of docs/findings.md, as the designs that have them name them. */
const F1_TEXT = "a zapped page freed while the unmapper is inside its rmap";
const F2_TEXT = "the slot uninstalled while a lock holder is in drop_spte";
const RACE_F1 = `F1: ${F1_TEXT}`;
const RACE_F2 = `F2: ${F2_TEXT}`;
const RACE_F1_F2 = `F1 and F2 (neither fix): ${F1_TEXT}; ${F2_TEXT}`;

const LIST: readonly Design[] = [
  {
    name: "v3",
    summary: "the series as specified: invalid rmaps unmapped without mmu_lock, being_unmapped_rmap handshake, descs freed without mmu_lock",
    flush: "invalidate",
    overrides: () => ({}),
    knownRace: RACE_F1_F2,
    discipline: MMU_LOCK_AND_HANDSHAKE,
  },
  {
    name: "v3-fixed",
    summary: "v3 with the two fixes of docs/findings.md: zapped pages are freed only once no unmapper is inside an rmap (F1), and the slot is uninstalled only after an mmu_lock barrier (F2)",
    flush: "invalidate",
    overrides: (base) => ({ ...fix1(base), ...fix2(base) }),
    knownRace: null,
    discipline: MMU_LOCK_AND_HANDSHAKE,
  },
  {
    name: "v3-fix1-only",
    summary: "v3 with F1 only (commit waits for the unmapper): shows F2 is needed too",
    flush: "invalidate",
    overrides: fix1,
    knownRace: RACE_F2,
    discipline: MMU_LOCK_AND_HANDSHAKE,
  },
  {
    name: "v3-fix2-only",
    summary: "v3 with F2 only (mmu_lock barrier before the uninstall): shows F1 is needed too",
    flush: "invalidate",
    overrides: fix2,
    knownRace: RACE_F1,
    discipline: MMU_LOCK_AND_HANDSHAKE,
  },
  {
    name: "v3-no-handshake",
    summary: "v3 without the being_unmapped_rmap wait: lock holders may free a shadow page the unmapper is about to touch",
    flush: "invalidate",
    overrides: () => ({ publish_being_unmapped_rmap: nothing, unpublish_being_unmapped_rmap: nothing, wait_being_unmapped_rmap: nothing }),
    knownRace: "a use-after-free: lock holders free a page the unmapper is about to touch; and F2 (no fix for it)",
    discipline: MMU_LOCK_AND_HANDSHAKE,
  },
  {
    name: "v3-skip-cmpxchg",
    summary: "v3 with pte_list_clear_concurrently resetting the entry by cmpxchg(entry, spte, SKIP) instead of a plain store",
    flush: "invalidate",
    overrides: () => ({ pte_list_reset_entry: pte_list_reset_entry_cmpxchg }),
    knownRace: RACE_F1_F2,
    discipline: MMU_LOCK_AND_HANDSHAKE,
  },
  {
    name: "baseline",
    summary: "v3.10: zap all shadow pages under mmu_lock, no lock-free path, rmaps always normal",
    flush: "zap-all",
    overrides: () => ({
      kvm_arch_flush_shadow_memslot: baseline_flush_shadow_memslot,
      kvm_arch_flush_shadow_all: baseline_flush_shadow_all,
      kvm_free_memslot: baseline_free_memslot,
    }),
    knownRace: null,
    discipline: MMU_LOCK_AND_HANDSHAKE,
  },
  {
    name: "merged-3.11",
    summary: "what Linux 3.11 merged instead (v7): bump mmu_valid_gen and reload under mmu_lock, zap the obsolete pages with a lock-break every BATCH_ZAP_PAGES, every rmap change under mmu_lock",
    flush: "zap-obsolete",
    overrides: merged311,
    knownRace: null,
    discipline: MMU_LOCK_AND_HANDSHAKE,
  },
  {
    name: "zap-all-2019",
    summary: "Linux 5.3 (2019): a DELETE zaps every page with the lock-breaking kvm_mmu_zap_all, restarting from the newest page after every lock-break",
    flush: "zap-all",
    overrides: zapAll2019,
    knownRace: "INV-TLB: mmu_lock dropped after a zap, before the TLB flush",
    discipline: MMU_LOCK_AND_HANDSHAKE,
  },
  {
    name: "v3-alt-fix1",
    summary: "v3 with F2's fix and another fix for F1 (docs/new-design.md): the unmapper walks each rmap inside a read section of its own srcu_struct, and kvm_mmu_commit_zap_page hands zapped pages to call_srcu instead of freeing them",
    flush: "invalidate",
    overrides: (base) => ({ ...fix2(base), ...altFix1(base) }),
    knownRace: ALT_FIX1_RACE,
    shownBy: { seeds: [12], scenario: { name: "unmap-direct", preemptions: 2 } },
    discipline: [],
    executors: ["softirq"],
  },
  {
    name: "v3-alt-fix1-wq",
    summary: "v3-alt-fix1 corrected: the SRCU callback (atomic context) only queues a work item, and the kworker frees the zapped pages under mmu_lock, after every notifier walk that could still see them",
    flush: "invalidate",
    overrides: (base) => ({ ...fix2(base), ...altFix1Wq(base) }),
    knownRace: null,
    discipline: ["frees-under-mmu_lock"],
    executors: ["softirq", "kworker"],
  },
  {
    name: "zap-roots-v1",
    summary: "the series' v1/v2 (March 2013), \"zap the roots\": under mmu_lock reset the page lists and every rmap head of every slot, flush TLBs, free the old pages and descs without clearing their sptes (impl/zap_roots.ts)",
    flush: "zap-all",
    overrides: zapRootsV1,
    discipline: MMU_LOCK_AND_HANDSHAKE,
    knownRace: "INV-REFINE: the old pages are freed with their sptes present, so their Accessed/Dirty state never reaches the host page",
  },
  {
    name: "zap-roots-v1-track",
    summary: "zap-roots-v1 with mmu_spte_clear_track_bits on every present leaf spte of the old pages before they are freed [I]: what v1 needs not to lose A/D state, at one load per spte",
    flush: "zap-all",
    overrides: zapRootsV1Track,
    discipline: MMU_LOCK_AND_HANDSHAKE,
    knownRace: null,
  },
];

/** Every design, in the order --list prints them. Names are looked up by checker/variants.ts only. */
export const DESIGNS: readonly Design[] = LIST;
