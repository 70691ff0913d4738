/**
 * Mutants of the SPTE_TDP_AD_WRPROT_ONLY rules (issue 20, U2): an L2
 * (nested) page with A/D bits under PML must be dirty-tracked by write
 * protection, because the CPU's PML log would hold L2 GPAs.
 */
import { fixed_field, KIND, type Kvm, MMU_PAGE } from "../kvm";
import { spte_ad_enabled } from "../spte_bits";
import type { LocklessOverrides } from "../symbols";

/**
 * clear-dirty-ignores-wrprot-only: spte_ad_need_write_protect is
 * !spte_ad_enabled (the test before WRPROT_ONLY existed), so __rmap_clear_dirty
 * clears D instead of W on a WRPROT_ONLY spte: the page stays writable with
 * its bitmap bit taken, and L2's next writes go to the PML log as L2 GPAs.
 */
export const clear_dirty_ignores_wrprot_only: LocklessOverrides = () => ({
  spte_ad_need_write_protect: (spte: number): boolean => !spte_ad_enabled(spte),
});

/**
 * no-wrprot-only-for-l2: kvm_mmu_page_ad_need_write_protect is always false,
 * so make_spte gives an L2 page's spte the plain A/D-enabled type under PML
 * and the harvest clears D on it instead of write-protecting.
 */
export const no_wrprot_only_for_l2: LocklessOverrides = () => ({
  kvm_mmu_page_ad_need_write_protect: (): boolean => false,
});

/**
 * ad-need-wp-ignores-pml: kvm_mmu_page_ad_need_write_protect drops the
 * cpu_dirty_log_size test, so L2 pages get WRPROT_ONLY sptes without PML
 * (the kernel's comment: those bits are reserved for PAE paging). With dirty
 * logging by write protection nothing a user sees changes.
 */
export const ad_need_wp_ignores_pml: LocklessOverrides = () => ({
  kvm_mmu_page_ad_need_write_protect: (kvm: Kvm, sp: number): boolean => !fixed_field(kvm, sp, MMU_PAGE.direct, KIND.mmuPage),
});
