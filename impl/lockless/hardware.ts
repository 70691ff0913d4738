/**
 * The CPU touching guest memory through a leaf spte (spec §5.2 H), in guest
 * mode (kvm_flush_remote_tlbs waits for it to leave). On an A/D-enabled spte
 * the page walker's locked update sets A (and D for a write) in one atomic
 * step that re-checks R (and W); on an A/D-disabled spte the CPU sets nothing
 * and only reads it. Returns 1 when the access goes through, 0 when it faults.
 * With tdp_mmu_enabled a direct access goes through the TDP MMU stub's spte.
 * DEVIATION: no TLB; the walk to the leaf page is a lookup.
 */
import { type KGen, load, orIf } from "../../runtime/step";
import { KIND, type Kvm, MMU_PAGE } from "./kvm";
import { find_shadow_page, sptep_of } from "./page_fault";
import { is_access_allowed, PT64_EPT_READABLE_MASK, PT_WRITABLE_MASK, shadow_accessed_mask, shadow_dirty_mask } from "./spte_bits";
import { guest_mode_enter, guest_mode_exit } from "./steps";
import { sp_field } from "./rmap";
import { tdp_mmu_enabled } from "./tdp_mmu";

export function* hw_access(kvm: Kvm, gfn: number, level: number, quadrant: number, write: boolean, nested: boolean): KGen<number> {
  yield guest_mode_enter("hw_access");
  if (!nested && tdp_mmu_enabled(kvm)) {
    const ok = yield* kvm.sym.tdp_mmu_hw_access(kvm, gfn);
    yield guest_mode_exit("hw_access");
    return ok;
  }
  const sp = find_shadow_page(kvm, gfn, level, quadrant, !nested);
  const sptep = sptep_of(kvm, sp, gfn);
  let ok = 0;
  if (sptep && !sp_field(kvm, sp, MMU_PAGE.ad_disabled)) {
    const need = write ? PT_WRITABLE_MASK : PT64_EPT_READABLE_MASK;
    const bits = shadow_accessed_mask | (write ? shadow_dirty_mask : 0);
    const old = yield orIf(sptep, KIND.spt, need, bits, write ? "hw_access: page walk, if W: *sptep |= A|D" : "hw_access: page walk, if R: *sptep |= A");
    ok = (old & need) === need ? 1 : 0;
  } else if (sptep) {
    ok = is_access_allowed(write, yield load(sptep, KIND.spt, "hw_access: page walk reads *sptep (A/D disabled)")) ? 1 : 0;
  }
  yield guest_mode_exit("hw_access");
  return ok;
}
