/**
 * spte encoding, x86-64, arch/x86/kvm/mmu.c v3.10 (PT_*_MASK from mmu.h).
 * DEVIATION: the pfn field starts at bit 12 as in the kernel but is bounded so
 * that every spte fits a 31-bit JavaScript integer.
 */
import type { Kvm } from "./kvm";

export const PT_PRESENT_MASK = 1 << 0;
export const PT_WRITABLE_MASK = 1 << 1;
export const PT_ACCESSED_MASK = 1 << 5;
export const PT_DIRTY_MASK = 1 << 6;
export const PT_PAGE_SIZE_MASK = 1 << 7;
/** PT_FIRST_AVAIL_BITS_SHIFT = 10 */
export const SPTE_HOST_WRITEABLE = 1 << 10;
export const SPTE_MMU_WRITEABLE = 1 << 11;
export const PAGE_SHIFT = 12;
export const MAX_PFN = (1 << 18) - 1;

/** shadow_accessed_mask: 0 when the MMU has no accessed bit (EPT without A/D). */
export function shadow_accessed_mask(kvm: Kvm): number {
  return kvm.cfg.adBits ? PT_ACCESSED_MASK : 0;
}

/** shadow_dirty_mask */
export function shadow_dirty_mask(kvm: Kvm): number {
  return kvm.cfg.adBits ? PT_DIRTY_MASK : 0;
}

/** is_shadow_present_pte (MMIO sptes are not simulated) */
export function is_shadow_present_pte(pte: number): boolean {
  return (pte & PT_PRESENT_MASK) !== 0;
}

/** is_rmap_spte */
export const is_rmap_spte = is_shadow_present_pte;

export function is_writable_pte(pte: number): boolean {
  return (pte & PT_WRITABLE_MASK) !== 0;
}

export function is_large_pte(pte: number): boolean {
  return (pte & PT_PAGE_SIZE_MASK) !== 0;
}

/** is_last_spte(pte, level) */
export function is_last_spte(pte: number, level: number): boolean {
  return level === 1 || is_large_pte(pte);
}

/** spte_to_pfn */
export function spte_to_pfn(pte: number): number {
  return pte >>> PAGE_SHIFT;
}

/** spte_is_locklessly_modifiable: fast_page_fault may set W outside mmu_lock. */
export function spte_is_locklessly_modifiable(spte: number): boolean {
  const m = SPTE_HOST_WRITEABLE | SPTE_MMU_WRITEABLE;
  return (spte & m) === m;
}

/**
 * spte_has_volatile_bits: may hardware or lockless code change this spte
 * concurrently? If so it must be updated with xchg (mmu.c v3.10).
 */
export function spte_has_volatile_bits(kvm: Kvm, spte: number): boolean {
  if (spte_is_locklessly_modifiable(spte)) return true;
  const a = shadow_accessed_mask(kvm);
  if (!a) return false;
  if (!is_shadow_present_pte(spte)) return false;
  if (spte & a && (!is_writable_pte(spte) || spte & shadow_dirty_mask(kvm))) return false;
  return true;
}

/** spte_is_bit_cleared */
export function spte_is_bit_cleared(old_spte: number, new_spte: number, bit_mask: number): boolean {
  return (old_spte & bit_mask) !== 0 && (new_spte & bit_mask) === 0;
}
