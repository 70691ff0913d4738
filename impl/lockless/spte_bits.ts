/**
 * spte encoding and the pure spte helpers of arch/x86/kvm/mmu/spte.h and
 * spte.c (Linux 6.15, EPT shape).
 *
 * DEVIATION: every spte fits 31 bits. R/W/X (EPT bits 0-2), PT_PAGE_SIZE_MASK
 * (7) and the A/D bits (8-9) sit where EPT puts them; the software bits move
 * down: SPTE_MMU_PRESENT_MASK to 11 (kernel 11), shadow_host_writable_mask to
 * 10 (kernel 57), shadow_mmu_writable_mask to 12 (kernel 58), the
 * two-bit A/D type SPTE_TDP_AD_MASK to bits 13-14 (kernel 52-53, same values:
 * ENABLED 0, DISABLED 1, WRPROT_ONLY 2), SHADOW_ACC_TRACK_SAVED_BITS_SHIFT
 * to 4 (kernel 54); the pfn starts at bit 16. SHADOW_NONPRESENT_VALUE is 0
 * (kernel: BIT(63), "suppress #VE").
 */
export const PT64_EPT_READABLE_MASK = 1 << 0;
export const PT_WRITABLE_MASK = 1 << 1;
export const PT64_EPT_EXECUTABLE_MASK = 1 << 2;
export const PT_PAGE_SIZE_MASK = 1 << 7;
export const shadow_accessed_mask = 1 << 8; // VMX_EPT_ACCESS_BIT; set even with ept_ad=0 since 6.13
export const shadow_dirty_mask = 1 << 9; // VMX_EPT_DIRTY_BIT
export const shadow_host_writable_mask = 1 << 10;
export const SPTE_MMU_PRESENT_MASK = 1 << 11;
export const shadow_mmu_writable_mask = 1 << 12;
/** SPTE_TDP_AD_SHIFT (kernel 52): the A/D type of a TDP (EPT) spte, spte.h. */
export const SPTE_TDP_AD_SHIFT = 13;
export const SPTE_TDP_AD_MASK = 3 << SPTE_TDP_AD_SHIFT;
export const SPTE_TDP_AD_ENABLED = 0 << SPTE_TDP_AD_SHIFT;
export const SPTE_TDP_AD_DISABLED = 1 << SPTE_TDP_AD_SHIFT;
/** A/D bits on, but dirty logging must write-protect: an L2 (guest_mode) spte under PML, whose PML log would hold L2 GPAs. */
export const SPTE_TDP_AD_WRPROT_ONLY = 2 << SPTE_TDP_AD_SHIFT;
export const SHADOW_ACC_TRACK_SAVED_BITS_MASK = PT64_EPT_READABLE_MASK | PT64_EPT_EXECUTABLE_MASK;
export const SHADOW_ACC_TRACK_SAVED_BITS_SHIFT = 4;
/** shadow_acc_track_mask for EPT: VMX_EPT_RWX_MASK. */
export const shadow_acc_track_mask = PT64_EPT_READABLE_MASK | PT_WRITABLE_MASK | PT64_EPT_EXECUTABLE_MASK;
export const SPTE_PFN_SHIFT = 16;
export const SHADOW_NONPRESENT_VALUE = 0;

export const is_shadow_present_pte = (pte: number): boolean => (pte & SPTE_MMU_PRESENT_MASK) !== 0;
export const is_writable_pte = (pte: number): boolean => (pte & PT_WRITABLE_MASK) !== 0;
export const is_mmu_writable_spte = (spte: number): boolean => (spte & shadow_mmu_writable_mask) !== 0;
export const is_large_pte = (pte: number): boolean => (pte & PT_PAGE_SIZE_MASK) !== 0;
export const is_last_spte = (pte: number, level: number): boolean => level === 1 || is_large_pte(pte);
export const spte_to_pfn = (pte: number): number => pte >>> SPTE_PFN_SHIFT;

/** spte_ad_enabled: the A/D type is not SPTE_TDP_AD_DISABLED (so SPTE_TDP_AD_WRPROT_ONLY counts as enabled). */
export const spte_ad_enabled = (spte: number): boolean => (spte & SPTE_TDP_AD_MASK) !== SPTE_TDP_AD_DISABLED;
/**
 * spte_ad_need_write_protect: dirty logging must clear W rather than D: the
 * A/D type is not SPTE_TDP_AD_ENABLED (A/D disabled, or WRPROT_ONLY).
 */
export const spte_ad_need_write_protect = (spte: number): boolean => (spte & SPTE_TDP_AD_MASK) !== SPTE_TDP_AD_ENABLED;
/** is_access_track_spte: A/D disabled and R/W/X all clear. */
export const is_access_track_spte = (spte: number): boolean => !spte_ad_enabled(spte) && (spte & shadow_acc_track_mask) === 0;
/** is_accessed_spte (since 6.13): the A bit, hardware's or KVM's. */
export const is_accessed_spte = (spte: number): boolean => (spte & shadow_accessed_mask) !== 0;

/** mark_spte_for_access_track (spte.c). */
export function mark_spte_for_access_track(spte: number): number {
  if (spte_ad_enabled(spte)) return spte & ~shadow_accessed_mask;
  if (is_access_track_spte(spte)) return spte;
  spte |= (spte & SHADOW_ACC_TRACK_SAVED_BITS_MASK) << SHADOW_ACC_TRACK_SAVED_BITS_SHIFT;
  return spte & ~(shadow_acc_track_mask | shadow_accessed_mask);
}

/** restore_acc_track_spte (spte.h): R/X back from the saved bits; W is not saved. */
export function restore_acc_track_spte(spte: number): number {
  const saved = (spte >>> SHADOW_ACC_TRACK_SAVED_BITS_SHIFT) & SHADOW_ACC_TRACK_SAVED_BITS_MASK;
  return (spte & ~(SHADOW_ACC_TRACK_SAVED_BITS_MASK << SHADOW_ACC_TRACK_SAVED_BITS_SHIFT)) | saved;
}

/**
 * spte_needs_atomic_update (spte.c, 6.15): may another thread change this
 * shadow-present spte without mmu_lock? (1) the fast page fault can set W on a
 * read-only MMU-writable spte; (2) since 928c54b1c4ca, an A/D-disabled spte
 * can be access-tracked by lockless aging and restored by the fast page
 * fault; (3) the CPU can set D on a writable spte. The A bit is deliberately
 * not a reason: losing it is tolerated.
 */
export function spte_needs_atomic_update(spte: number): boolean {
  if (!is_writable_pte(spte) && is_mmu_writable_spte(spte)) return true;
  if (!spte_ad_enabled(spte)) return true;
  return is_writable_pte(spte) && !(spte & shadow_dirty_mask);
}

/** leaf_spte_change_needs_tlb_flush (spte.h): only clearing MMU-writable needs a flush. */
export const leaf_spte_change_needs_tlb_flush = (old_spte: number, new_spte: number): boolean =>
  is_mmu_writable_spte(old_spte) && !is_mmu_writable_spte(new_spte);

/** is_access_allowed for a read or write fault (execution is not simulated). */
export const is_access_allowed = (write: boolean, spte: number): boolean =>
  write ? is_writable_pte(spte) : (spte & PT64_EPT_READABLE_MASK) !== 0;
