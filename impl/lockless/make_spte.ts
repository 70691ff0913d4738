/**
 * make_spte (spte.c, 6.15) for the faults the checker generates: a
 * non-prefetch leaf spte of a direct or shadow page. A is set (hardware's or,
 * A/D disabled, KVM's software accessed bit); a writable mapping is W and
 * MMU-writable, and D when A/D is enabled ("mark dirty at the origin"); the
 * slot is marked dirty after the value is made, when it is dirty-logged.
 * DEVIATION: no write tracking, unsync or memory types: pte_access is ACC_ALL
 * or ACC_ALL without ACC_WRITE_MASK (`writable`).
 * DEVIATION (U1, issue 20): since 6.13 (85649117511d, "always set the Dirty
 * bit if created as writable") the kernel sets D on every writable spte, the
 * A/D-disabled ones included (shadow_dirty_mask is EPT's D bit with or
 * without EPT A/D); here D is set only on A/D-enabled ones. Hardware never
 * reads D of an A/D-disabled spte, and no function of impl/lockless/ decides
 * anything from it for such a spte (spte_needs_atomic_update is true for
 * them before it looks at D; dirty logging write-protects them; access
 * tracking keeps D), so only the bit's value differs (docs/model.md).
 */
import type { KGen } from "../../runtime/step";
import { fixed_field, KIND, type Kvm, MEMSLOT, MMU_PAGE } from "./kvm";
import {
  PT64_EPT_EXECUTABLE_MASK,
  PT64_EPT_READABLE_MASK,
  PT_PAGE_SIZE_MASK,
  PT_WRITABLE_MASK,
  shadow_accessed_mask,
  shadow_dirty_mask,
  shadow_host_writable_mask,
  shadow_mmu_writable_mask,
  SPTE_MMU_PRESENT_MASK,
  SPTE_PFN_SHIFT,
  SPTE_TDP_AD_DISABLED,
} from "./spte_bits";

/** The host page behind gfn. DEVIATION: a function of the hva (the host's page tables are not simulated). */
export function kvm_faultin_pfn(kvm: Kvm, slot: number, gfn: number): number {
  const base = fixed_field(kvm, slot, MEMSLOT.base_gfn, KIND.memslot);
  return fixed_field(kvm, slot, MEMSLOT.userspace_addr, KIND.memslot) + (gfn - base) + 0x100;
}

export function* make_spte(kvm: Kvm, sp: number, slot: number, writable: boolean, gfn: number, pfn: number): KGen<number> {
  let spte = SPTE_MMU_PRESENT_MASK | PT64_EPT_READABLE_MASK | PT64_EPT_EXECUTABLE_MASK | shadow_accessed_mask;
  const ad = !fixed_field(kvm, sp, MMU_PAGE.ad_disabled, KIND.mmuPage);
  if (!ad) spte |= SPTE_TDP_AD_DISABLED;
  if (fixed_field(kvm, sp, MMU_PAGE.level, KIND.mmuPage) > 1) spte |= PT_PAGE_SIZE_MASK;
  spte |= (pfn << SPTE_PFN_SHIFT) | shadow_host_writable_mask;
  if (writable) spte |= PT_WRITABLE_MASK | shadow_mmu_writable_mask | (ad ? shadow_dirty_mask : 0);
  if (spte & PT_WRITABLE_MASK) yield* kvm.sym.mark_page_dirty_in_slot(kvm, slot, gfn);
  return spte;
}
