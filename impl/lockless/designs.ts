/**
 * Designs of the lockless subject (--design): the code as merged for Linux
 * 6.15 and the variants where the spec is unsure or a change is proposed,
 * each as the symbols it replaces. docs/findings-lockless.md gives each one's
 * verdict.
 *
 * `callers` is an assumption about the mmu_notifier callers, not code: "any"
 * lets the checker generate every hva range the mmu_notifier API permits;
 * "aligned" only single pages and ranges whose start and end are multiples of
 * the largest huge page (what clear_flush_young per pte/pmd and test_young
 * deliver; spec §2.7).
 */
import { alloc, type KGen } from "../../runtime/step";
import type { kvm_gfn_range } from "./aging";
import { init_field, KIND, type Kvm, KVM_PAGES_PER_HPAGE } from "./kvm";
import { spte_ad_enabled, is_access_track_spte, is_mmu_writable_spte, is_writable_pte, shadow_dirty_mask } from "./spte_bits";
import type { LocklessOverrides } from "./symbols";
import { spte_clear_dirty_merged, spte_write_protect_merged } from "./merged_load";
import { shadow_mmu_split_huge_page_after_drop } from "./split_after_drop";

export interface LocklessDesign {
  readonly name: string;
  readonly summary: string;
  readonly callers: "any" | "aligned";
  readonly overrides: LocklessOverrides;
  /** The violation docs/findings-lockless.md documents for this design, in a few words; null: none is known. */
  readonly knownRace: string | null;
  /**
   * Where the known race shows (checked by properties/default_budget.test.ts):
   * the default sampled budget's seeds that find it (none: it does not on
   * seed 1, and no seed is promised), and a scenario with the preemptions the
   * exhaustive mode needs.
   */
  readonly shownBy?: { readonly seeds: readonly number[]; readonly scenario?: { readonly name: string; readonly preemptions: number } };
}

/** L6: shown by the exhaustive mode on its three-operation scenario with two preemptions; the default sampled budget rarely meets it. */
const L6 = "L6 (INV-MEM): the ager walks an entry added after its readonly lock was elided on an empty rmap, and a zap frees the page under it";
const L6_SHOWN = { seeds: [], scenario: { name: "lockless-elided-add-vs-zap", preemptions: 2 } } as const;

/**
 * L5: shown by the exhaustive mode on its scenario with one preemption; the
 * sampled generator's eager-split mix maps read-only huge pages only, so that
 * it does not resample this finding (docs/findings-lockless.md).
 */
const L5 = "L5 (SPTE-STEP): eager page splitting makes the children from its one read of the huge spte, giving back the W a concurrent access tracking removed";
const L5_SHOWN = { seeds: [], scenario: { name: "lockless-eager-split-vs-age-ad-disabled-writable", preemptions: 1 } } as const;

/**
 * A candidate change for L6, not kernel code: kvm_rmap_age_gfn_range walks an
 * rmap only when kvm_rmap_lock_readonly locked it (returned a non-empty
 * value). An rmap that was empty when the lock was tried held no entry the
 * call must visit (AGE-COVERAGE: entries present before the call started).
 */
function age_walks_locked_only(rmap_val: number): boolean {
  return rmap_val !== 0;
}

/**
 * A candidate change, not kernel code: kvm_rmap_age_gfn_range starts each
 * level's walk at the huge page that holds range->start
 * (ALIGN_DOWN(range->start, KVM_PAGES_PER_HPAGE(level))), so it visits rmap
 * indices gfn_to_index(start) .. gfn_to_index(end - 1), as the locked walk
 * before af3b6a9eba48 did (for_each_slot_rmap_range).
 */
function age_first_gfn_aligned(kvm: Kvm, range: kvm_gfn_range, level: number): number {
  return range.start - (range.start % KVM_PAGES_PER_HPAGE(kvm, level));
}

/** spte_needs_atomic_update before 928c54b1c4ca: A/D-disabled sptes are volatile only when access-tracked. */
export function spte_needs_atomic_update_pre_928c54b1c4ca(spte: number): boolean {
  if (!is_writable_pte(spte) && is_mmu_writable_spte(spte)) return true;
  if (is_access_track_spte(spte)) return true;
  return spte_ad_enabled(spte) && is_writable_pte(spte) && !(spte & shadow_dirty_mask);
}

/** A desc cache without __GFP_ZERO: every field the allocator's caller does not set holds a stale pointer. */
function* unzeroed_desc_alloc(kvm: Kvm): KGen<number> {
  const desc = yield alloc(KIND.desc, 3 + kvm.cfg.PTE_LIST_EXT, "kvm_mmu_memory_cache_alloc: pte_list_desc (not zeroed)");
  const stale = kvm.mem.alloc("freed object", 1).base;
  kvm.mem.free(stale, "freed object", "stale");
  for (let w = 0; w < 3 + kvm.cfg.PTE_LIST_EXT; w++) init_field(kvm, desc, w, KIND.desc, stale);
  return desc;
}

export const LOCKLESS_DESIGNS: readonly LocklessDesign[] = [
  {
    name: "merged",
    summary: "Linux 6.15 as merged (kvm-x86-mmu-6.15, 928c54b1c4ca included), any hva range the mmu_notifier API permits",
    callers: "any",
    overrides: () => ({}),
    knownRace: "L1 (AGE-COVERAGE): an unaligned aging range skips the next huge page's rmap",
  },
  {
    name: "merged-aligned-callers",
    summary: "the same code, with aging ranges that are single pages or start and end on the largest huge page (the known callers)",
    callers: "aligned",
    overrides: () => ({}),
    knownRace: L6,
    shownBy: L6_SHOWN,
  },
  {
    name: "index-walk",
    summary: "a candidate change: kvm_rmap_age_gfn_range starts each level at ALIGN_DOWN(start, KVM_PAGES_PER_HPAGE(level)), any range",
    callers: "any",
    overrides: () => ({ kvm_rmap_age_first_gfn: age_first_gfn_aligned }),
    knownRace: L6,
    shownBy: L6_SHOWN,
  },
  {
    name: "merged-one-read",
    summary: "the merged code as the compiler may build it: spte_write_protect's and spte_clear_dirty's load of *sptep merged with mmu_spte_update's (one read; known callers)",
    callers: "aligned",
    overrides: () => ({ spte_write_protect: spte_write_protect_merged, spte_clear_dirty: spte_clear_dirty_merged }),
    knownRace: L6,
    shownBy: L6_SHOWN,
  },
  {
    name: "age-skips-elided",
    summary: "a candidate change for L6: the merged code under the known callers, with kvm_rmap_age_gfn_range walking an rmap only when kvm_rmap_lock_readonly locked it",
    callers: "aligned",
    overrides: () => ({ kvm_rmap_age_walks: age_walks_locked_only }),
    knownRace: L5,
    shownBy: L5_SHOWN,
  },
  {
    name: "split-after-drop",
    summary: "candidate changes for L6 and L5: age-skips-elided, and shadow_mmu_split_huge_page clearing the huge spte before it makes the children, from the value the clear returned",
    callers: "aligned",
    overrides: () => ({ kvm_rmap_age_walks: age_walks_locked_only, shadow_mmu_split_huge_page: shadow_mmu_split_huge_page_after_drop }),
    knownRace: null,
  },
  {
    name: "pre-928c54b1c4ca",
    summary: "the merged code without 928c54b1c4ca: writable A/D-disabled sptes are updated with a plain store (the open question K7)",
    callers: "aligned",
    overrides: () => ({ spte_needs_atomic_update: spte_needs_atomic_update_pre_928c54b1c4ca }),
    knownRace: "LOST-UPDATE: the pre-928c54b1c4ca revert loses access-tracking state",
  },
  {
    name: "unzeroed-desc-cache",
    summary: "the merged code with descs allocated without __GFP_ZERO (the spec did not re-check the cache's gfp_zero)",
    callers: "aligned",
    overrides: () => ({ kvm_mmu_memory_cache_alloc: unzeroed_desc_alloc }),
    knownRace: "L3 (DESC-SHAPE): descs from an unzeroed cache",
  },
];
