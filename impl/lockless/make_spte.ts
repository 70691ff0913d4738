/**
 * make_spte (spte.c, 6.15) for the faults the checker generates: a
 * non-prefetch leaf spte of a direct or shadow page. The A/D type comes from
 * the page: SPTE_TDP_AD_DISABLED for role.ad_disabled, else
 * SPTE_TDP_AD_WRPROT_ONLY when kvm_mmu_page_ad_need_write_protect (an L2 page
 * under PML), else enabled (0). A is set (hardware's or, A/D disabled, KVM's
 * software accessed bit); a writable mapping is W, MMU-writable and D
 * ("mark dirty at the origin", every A/D type since 6.13: 85649117511d,
 * "always set the Dirty bit if created as writable"); the slot is marked
 * dirty after the value is made, when it is dirty-logged.
 * DEVIATION: no write tracking, unsync or memory types: pte_access is ACC_ALL
 * or ACC_ALL without ACC_WRITE_MASK (`writable`).
 * (U1 of issue 20, D on A/D-disabled writable sptes, is made faithful here.)
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
  SPTE_TDP_AD_WRPROT_ONLY,
} from "./spte_bits";

/** The host page behind gfn. DEVIATION: a function of the hva (the host's page tables are not simulated). */
export function kvm_faultin_pfn(kvm: Kvm, slot: number, gfn: number): number {
  const base = fixed_field(kvm, slot, MEMSLOT.base_gfn, KIND.memslot);
  return fixed_field(kvm, slot, MEMSLOT.userspace_addr, KIND.memslot) + (gfn - base) + 0x100;
}

/**
 * kvm_mmu_page_ad_need_write_protect (mmu_internal.h, 6.15):
 * kvm->arch.cpu_dirty_log_size && sp->role.guest_mode. With PML the CPU's
 * dirty log would hold L2 GPAs, so an L2 page's dirty tracking is by write
 * protection. DEVIATION: role.guest_mode is not a field; here exactly the
 * nested (indirect, shadow EPT) pages run L2, a direct page never does
 * (L2 without nested EPT, a direct guest_mode page, is not modelled).
 */
export function kvm_mmu_page_ad_need_write_protect(kvm: Kvm, sp: number): boolean {
  return kvm.cfg.pml && !fixed_field(kvm, sp, MMU_PAGE.direct, KIND.mmuPage);
}

export function* make_spte(kvm: Kvm, sp: number, slot: number, writable: boolean, gfn: number, pfn: number): KGen<number> {
  let spte = SPTE_MMU_PRESENT_MASK | PT64_EPT_READABLE_MASK | PT64_EPT_EXECUTABLE_MASK | shadow_accessed_mask;
  if (fixed_field(kvm, sp, MMU_PAGE.ad_disabled, KIND.mmuPage)) spte |= SPTE_TDP_AD_DISABLED;
  else if (kvm.sym.kvm_mmu_page_ad_need_write_protect(kvm, sp)) spte |= SPTE_TDP_AD_WRPROT_ONLY;
  if (fixed_field(kvm, sp, MMU_PAGE.level, KIND.mmuPage) > 1) spte |= PT_PAGE_SIZE_MASK;
  spte |= (pfn << SPTE_PFN_SHIFT) | shadow_host_writable_mask;
  if (writable) spte |= PT_WRITABLE_MASK | shadow_mmu_writable_mask | shadow_dirty_mask;
  if (spte & PT_WRITABLE_MASK) yield* kvm.sym.mark_page_dirty_in_slot(kvm, slot, gfn);
  return spte;
}
