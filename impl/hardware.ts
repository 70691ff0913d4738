/**
 * What the CPU and the lockless vCPU paths do to sptes without mmu_lock:
 * the page walker setting accessed/dirty bits, and fast_page_fault setting
 * the writable bit with cmpxchg (mmu.c v3.10, fast_page_fault /
 * fast_pf_fix_direct_spte).
 *
 * Both run "in guest mode / in a lockless walk": between lockless_begin and
 * lockless_end, kvm_flush_remote_tlbs and kvm_reload_remote_mmus wait for
 * them. A spte is reachable when its page is live, not role.invalid and of the
 * current generation (after kvm_reload_remote_mmus no vCPU walks obsolete roots).
 * DEVIATION: the walk from the root to the page is not simulated; it is the
 * lookup below, done at the start of the walk.
 */
import { cmpxchg, type KGen, load } from "../runtime/step";
import { hwWalk, locklessBegin, locklessEnd } from "./steps";
import { fieldOf, KVM, type Kvm, MMU_PAGE } from "./kvm";
import { KVM_HPAGE_GFN_SHIFT } from "./memslot";
import { for_each_gfn_sp, sp_gfn, sp_level, sp_quadrant, sp_spt } from "./mmu_page";
import {
  is_shadow_present_pte,
  is_writable_pte,
  PT_WRITABLE_MASK,
  shadow_accessed_mask,
  shadow_dirty_mask,
  spte_is_locklessly_modifiable,
} from "./spte_bits";

/** The spte a vCPU would reach for (gfn, level, quadrant), or 0. Ghost lookup: no step. */
export function reachable_sptep(kvm: Kvm, gfn: number, level: number, quadrant: number): number {
  const shift = KVM_HPAGE_GFN_SHIFT(kvm, level);
  const span = kvm.cfg.sptesPerPage << shift;
  const gen = kvm.mem.peek(kvm.field(KVM.mmu_valid_gen));
  for (const sp of for_each_gfn_sp(kvm, gfn & ~(span - 1))) {
    if (sp_level(kvm, sp) !== level || sp_quadrant(kvm, sp) !== quadrant) continue;
    if (kvm.mem.peek(fieldOf(sp, MMU_PAGE.invalid)) || kvm.mem.peek(fieldOf(sp, MMU_PAGE.mmu_valid_gen)) !== gen) continue;
    return sp_spt(kvm, sp) + ((gfn - sp_gfn(kvm, sp)) >> shift) * 8;
  }
  return 0;
}

/**
 * The guest touches gfn through a level-`level` mapping: the page walker sets
 * A (and D on a write through a writable spte) in one atomic step that
 * re-checks the spte, as the hardware's locked update does.
 * Returns 1 if the access went through, 0 if it would fault.
 */
export function* hw_access(kvm: Kvm, gfn: number, level: number, quadrant: number, write: boolean): KGen<number> {
  yield locklessBegin("hw_access: enter guest mode");
  const sptep = reachable_sptep(kvm, gfn, level, quadrant);
  let ok = 0;
  if (sptep) {
    const bits = shadow_accessed_mask(kvm) | (write ? shadow_dirty_mask(kvm) : 0);
    const old = yield hwWalk(sptep, bits, write, write ? "hw_access: page walk, if present and W: *sptep |= A|D" : "hw_access: page walk, if present: *sptep |= A");
    ok = is_shadow_present_pte(old) && (!write || is_writable_pte(old)) ? 1 : 0;
  }
  yield locklessEnd("hw_access: exit guest mode");
  return ok;
}

/**
 * fast_page_fault: a write fault on a present, read-only spte that is
 * locklessly modifiable is fixed by cmpxchg(sptep, spte, spte | W), outside
 * mmu_lock. Level-1 sptes only, as in v3.10. Returns 1 if it fixed the spte.
 */
export function* fast_page_fault(kvm: Kvm, gfn: number, quadrant: number): KGen<number> {
  yield locklessBegin("fast_page_fault: walk_shadow_page_lockless_begin");
  const sptep = reachable_sptep(kvm, gfn, 1, quadrant);
  let ret = 0;
  if (sptep) {
    const spte = yield load(sptep, "spt", "fast_page_fault: load *sptep");
    if (is_shadow_present_pte(spte) && !is_writable_pte(spte) && spte_is_locklessly_modifiable(spte)) {
      ret = (yield* kvm.sym.fast_pf_fix_direct_spte(kvm, sptep, spte)) ? 1 : 0;
    }
  }
  yield locklessEnd("fast_page_fault: walk_shadow_page_lockless_end");
  return ret;
}

/** fast_pf_fix_direct_spte: cmpxchg(sptep, spte, spte | W); true if it won. */
export function* fast_pf_fix_direct_spte(kvm: Kvm, sptep: number, spte: number): KGen<boolean> {
  const old = yield cmpxchg(sptep, "spt", spte, spte | PT_WRITABLE_MASK, "fast_pf_fix_direct_spte: cmpxchg *sptep, spte, spte|W");
  return old === spte;
}
