/**
 * The kernel encodings the checker decodes the implementation's memory with,
 * stated here once as the spec gives them, and never taken from impl/: a bug
 * in one of impl/'s own helpers (its SKIP value, its indexing, its bit masks)
 * then shows up as a difference instead of being shared by the check.
 *
 * The model's state (model/state.ts) uses none of this; only the abstraction
 * function and the checker's representation invariants do.
 */
import type { Spte } from "./state";

/** An rmap head or `more` word with bit 0 set points at a struct pte_list_desc (spec §1.1 [C]). */
export const DESC_TAG = 1;

/** PTE_LIST_SPTE_SKIP: all-ones with bit 0 clear (spec §2.3 [R]); 32 bits wide in the simulation. */
export const PTE_LIST_SPTE_SKIP = 0xfffffffe;

/** spte bits, x86-64, arch/x86/kvm/mmu.c v3.10 and mmu.h (spec §1.6 [C]). */
export const SPTE_BITS = {
  present: 1 << 0, // PT_PRESENT_MASK
  writable: 1 << 1, // PT_WRITABLE_MASK
  accessed: 1 << 5, // PT_ACCESSED_MASK (shadow_accessed_mask when the MMU has A/D bits)
  dirty: 1 << 6, // PT_DIRTY_MASK
  large: 1 << 7, // PT_PAGE_SIZE_MASK
  hostWritable: 1 << 10, // SPTE_HOST_WRITEABLE (PT_FIRST_AVAIL_BITS_SHIFT)
  mmuWritable: 1 << 11, // SPTE_MMU_WRITEABLE
} as const;

/** The pfn starts at bit PAGE_SHIFT. */
export const PFN_SHIFT = 12;

export function isPresent(v: number): boolean {
  return (v & SPTE_BITS.present) !== 0;
}

/** The model's view of a present spte's value. */
export function decodeSpte(v: number): Spte {
  return {
    pfn: v >>> PFN_SHIFT,
    large: (v & SPTE_BITS.large) !== 0,
    writable: (v & SPTE_BITS.writable) !== 0,
    hostWritable: (v & SPTE_BITS.hostWritable) !== 0,
    mmuWritable: (v & SPTE_BITS.mmuWritable) !== 0,
    accessed: (v & SPTE_BITS.accessed) !== 0,
    dirty: (v & SPTE_BITS.dirty) !== 0,
  };
}
