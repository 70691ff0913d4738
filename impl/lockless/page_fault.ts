/**
 * The slow page fault under mmu_lock (mmu.c 6.15, direct_map / FNAME(fetch),
 * mmu_set_spte; spec §5.2 V): find or create the leaf shadow page, make the
 * spte, install it (mmu_spte_update sets a non-present spte through
 * mmu_spte_set) and add its rmap entry when it was not present.
 * DEVIATION: the walk from the root is not simulated: a leaf page is found by
 * (gfn, level, role) in active_mmu_pages, as kvm_mmu_get_shadow_page's hash
 * lookup would; `nested` pages stand for shadowed L1 EPT pages (indirect,
 * run by L2), the others are direct pages. A page's role.ad_disabled: a
 * direct page's is !kvm_ad_enabled (kvm_calc_tdp_mmu_root_page_role); a
 * nested page's is !accessed_dirty, L1's EPTP A/D bit
 * (kvm_calc_shadow_ept_root_page_role), config nested_ept_ad_enabled, which
 * L0 offers only with EPT A/D itself. Under PML make_spte makes a nested
 * A/D-enabled page's sptes SPTE_TDP_AD_WRPROT_ONLY (U2 of issue 20, faithful).
 */
import { alloc, type KGen, load } from "../../runtime/step";
import { WORD_BYTES } from "../../runtime/memory";
import { fixed_field, gfn_in_slot, init_field, KIND, type Kvm, KVM_MEMSLOT_INVALID, kvm_slot_dirty_track_enabled, MEMSLOT, memslot_flags, MMU_PAGE } from "./kvm";
import { kvm_faultin_pfn } from "./make_spte";
import { sp_field, sptep_to_sp } from "./rmap";
import { is_shadow_present_pte } from "./spte_bits";
import { kvm_flush_remote_tlbs, write_lock, write_unlock } from "./steps";
import { tdp_mmu_enabled } from "./tdp_mmu";
import { RET_PF_RETRY } from "./mmu_invalidate";
import { kvm_vcpu_gfn_to_memslot, kvm_vcpu_srcu_read_lock, kvm_vcpu_srcu_read_unlock } from "./vcpu_srcu";

const pagesAt = (kvm: Kvm, level: number): number => 1 << ((level - 1) * kvm.cfg.levelShift);
const spSpan = (kvm: Kvm, level: number): number => kvm.cfg.sptesPerPage * pagesAt(kvm, level);

/** The live page at (level, quadrant, direct) whose span holds gfn, or 0. Ghost lookup: no step. */
export function find_shadow_page(kvm: Kvm, gfn: number, level: number, quadrant: number, direct: boolean): number {
  const base = gfn - (gfn % spSpan(kvm, level));
  for (const sp of kvm.active_mmu_pages) {
    if (sp_field(kvm, sp, MMU_PAGE.gfn) === base && sp_field(kvm, sp, MMU_PAGE.level) === level && sp_field(kvm, sp, MMU_PAGE.quadrant) === quadrant && sp_field(kvm, sp, MMU_PAGE.direct) === (direct ? 1 : 0)) return sp;
  }
  return 0;
}

/** The sptep of gfn in a page, or 0 when there is no page. */
export function sptep_of(kvm: Kvm, sp: number, gfn: number): number {
  if (!sp) return 0;
  const level = sp_field(kvm, sp, MMU_PAGE.level);
  return sp_field(kvm, sp, MMU_PAGE.spt) + Math.floor((gfn - sp_field(kvm, sp, MMU_PAGE.gfn)) / pagesAt(kvm, level)) * WORD_BYTES;
}

/**
 * role.ad_disabled of a new page (mmu.c kvm_calc_tdp_mmu_root_page_role /
 * kvm_calc_shadow_ept_root_page_role: `role.base.ad_disabled = !accessed_dirty`).
 * DEVIATION: the role is computed per page, not per root (one root each here).
 */
export function kvm_mmu_page_role_ad_disabled(kvm: Kvm, direct: boolean): boolean {
  if (!kvm.cfg.kvm_ad_enabled) return true;
  return !direct && kvm.cfg.nested_ept_ad_enabled !== true;
}

/**
 * kvm_mmu_get_shadow_page: the existing page, or a new one (kvm_mmu_alloc_shadow_page) linked into active_mmu_pages.
 * `ad_disabled`: the role's, when the caller computes the role (shadow_mmu_get_sp_for_split's
 * kvm_mmu_child_role keeps the parent's); else kvm_mmu_page_role_ad_disabled.
 */
export function* kvm_mmu_get_shadow_page(kvm: Kvm, gfn: number, level: number, quadrant: number, direct: boolean, ad_disabled?: boolean): KGen<number> {
  const found = find_shadow_page(kvm, gfn, level, quadrant, direct);
  if (found) return found;
  const sp = yield alloc(KIND.mmuPage, MMU_PAGE.WORDS, "kvm_mmu_alloc_shadow_page: kvm_mmu_memory_cache_alloc(mmu_page_header_cache)");
  const spt = yield alloc(KIND.spt, kvm.cfg.sptesPerPage, "kvm_mmu_alloc_shadow_page: sp->spt = kvm_mmu_memory_cache_alloc(mmu_shadow_page_cache)");
  kvm.mem.objectAt(spt)!.tag = sp;
  const fields: Array<[number, number]> = [
    [MMU_PAGE.gfn, gfn - (gfn % spSpan(kvm, level))],
    [MMU_PAGE.level, level],
    [MMU_PAGE.quadrant, quadrant],
    [MMU_PAGE.direct, direct ? 1 : 0],
    [MMU_PAGE.ad_disabled, (ad_disabled ?? kvm_mmu_page_role_ad_disabled(kvm, direct)) ? 1 : 0],
    [MMU_PAGE.spt, spt],
    [MMU_PAGE.id, kvm.nextSpId++],
  ];
  for (const [off, v] of fields) init_field(kvm, sp, off, KIND.mmuPage, v);
  kvm.active_mmu_pages.unshift(sp);
  yield* kvm.sym.account_shadowed(kvm, sp);
  return sp;
}

/**
 * kvm_mmu_max_mapping_level: the largest level whose aligned region lies in
 * the slot (lpage_info's disallow_lpage), at most max_level. It does not look
 * at dirty logging: kvm_mmu_hugepage_adjust does (below).
 */
export function kvm_mmu_max_mapping_level(kvm: Kvm, slot: number, gfn: number, max_level: number): number {
  const base = fixed_field(kvm, slot, MEMSLOT.base_gfn, KIND.memslot);
  const end = base + fixed_field(kvm, slot, MEMSLOT.npages, KIND.memslot);
  for (let level = Math.min(max_level, kvm.cfg.KVM_MAX_HUGEPAGE_LEVEL); level > 1; level--) {
    const start = gfn - (gfn % pagesAt(kvm, level));
    if (start >= base && start + pagesAt(kvm, level) <= end) return level;
  }
  return 1;
}

/** mmu_set_spte: returns pte_list_add's count for a new entry, -1 when the spte was present. */
export function* mmu_set_spte(kvm: Kvm, slot: number, sptep: number, writable: boolean, gfn: number, pfn: number): KGen<number> {
  const sp = sptep_to_sp(kvm, sptep);
  const was_rmapped = is_shadow_present_pte(yield load(sptep, KIND.spt, "mmu_set_spte: is_shadow_present_pte(*sptep)"));
  const spte = yield* kvm.sym.make_spte(kvm, sp, slot, writable, gfn, pfn);
  if ((yield load(sptep, KIND.spt, "mmu_set_spte: *sptep == spte")) !== spte && (yield* kvm.sym.mmu_spte_update(kvm, sptep, spte))) {
    yield kvm_flush_remote_tlbs("mmu_set_spte");
  }
  return was_rmapped ? -1 : yield* kvm.sym.rmap_add(kvm, slot, sptep, gfn);
}

/**
 * kvm_mmu_hugepage_adjust's level: 4K for a dirty-logged slot
 * (kvm_slot_dirty_track_enabled(fault->slot)), else kvm_mmu_max_mapping_level.
 */
export function kvm_mmu_hugepage_adjust(kvm: Kvm, slot: number, gfn: number, max_level: number): number {
  if (kvm_slot_dirty_track_enabled(kvm, slot)) return 1;
  return kvm_mmu_max_mapping_level(kvm, slot, gfn, max_level);
}

/**
 * kvm_mmu_faultin_pfn up to the pfn lookup: the snapshot of
 * mmu_invalidate_seq (fault->mmu_seq), then RET_PF_RETRY when fault->slot is
 * being deleted (KVM_MEMSLOT_INVALID: "This ensures any existing SPTEs for
 * the old memslot will be zapped before KVM inserts a new ... SPTE"), so a
 * vCPU that picked up the INVALID copy (impl/lockless/memslot_delete.ts)
 * installs nothing. Returns the snapshot, or RET_PF_RETRY.
 * DEVIATION: one number carries both (the snapshot is never negative); the
 * no-slot test (kvm_handle_noslot_fault) is the caller's earlier -2; the
 * pfn itself is kvm_faultin_pfn's, taken later with no step.
 */
export function* kvm_mmu_faultin_pfn(kvm: Kvm, slot: number): KGen<number> {
  const mmu_seq = yield* kvm.sym.kvm_mmu_fault_mmu_seq(kvm);
  if (memslot_flags(kvm, slot) & KVM_MEMSLOT_INVALID) return RET_PF_RETRY;
  return mmu_seq;
}

/**
 * kvm_mmu_page_fault for gfn, asking for `level`, inside the vCPU's kvm->srcu
 * read section, with the slot it picks up first (fault->slot, vcpu_srcu.ts): -2 when gfn has no memslot (none after the slot is deleted),
 * RET_PF_RETRY (-4) when the slot is being deleted (kvm_mmu_faultin_pfn),
 * -3 when the TDP MMU maps it (a direct fault with tdp_mmu_enabled:
 * kvm_tdp_mmu_page_fault), else mmu_set_spte's result. The pfn is faulted in
 * before mmu_lock is taken, after the snapshot of mmu_invalidate_seq; a
 * nested fault's shadow root first (mmu_first_shadow_root_alloc). Under
 * mmu_lock, is_page_fault_stale: RET_PF_RETRY (-4, nothing installed) when an
 * invalidation covers gfn or ended since the snapshot (mmu_invalidate.ts).
 * DEVIATION: the TDP MMU's fault takes mmu_lock for write here (the kernel: for read).
 */
export function* kvm_mmu_page_fault(kvm: Kvm, gfn: number, level: number, quadrant: number, writable: boolean, nested: boolean): KGen<number> {
  yield* kvm_vcpu_srcu_read_lock(kvm, "kvm_mmu_page_fault");
  const slot = yield* kvm_vcpu_gfn_to_memslot(kvm, "kvm_mmu_do_page_fault");
  const r = yield* direct_or_nested_page_fault(kvm, slot, gfn, level, quadrant, writable, nested);
  yield* kvm_vcpu_srcu_read_unlock(kvm, "kvm_mmu_page_fault");
  return r;
}

/** The body of kvm_mmu_page_fault with fault->slot = slot. DEVIATION: a function of its own, so the read section wraps every return. */
function* direct_or_nested_page_fault(kvm: Kvm, slot: number, gfn: number, level: number, quadrant: number, writable: boolean, nested: boolean): KGen<number> {
  if (!gfn_in_slot(kvm, gfn, slot)) return -2;
  if (nested) yield* kvm.sym.mmu_first_shadow_root_alloc(kvm);
  const mmu_seq = yield* kvm.sym.kvm_mmu_faultin_pfn(kvm, slot);
  if (mmu_seq === RET_PF_RETRY) return RET_PF_RETRY;
  yield write_lock("kvm_mmu_page_fault");
  if (yield* kvm.sym.mmu_invalidate_retry_gfn(kvm, mmu_seq, gfn)) {
    yield write_unlock("kvm_mmu_page_fault");
    return RET_PF_RETRY;
  }
  if (!nested && tdp_mmu_enabled(kvm)) {
    const r = yield* kvm.sym.kvm_tdp_mmu_map(kvm, gfn, writable, slot);
    yield write_unlock("kvm_mmu_page_fault");
    return r;
  }
  const goal = kvm_mmu_hugepage_adjust(kvm, slot, gfn, level);
  const base_gfn = gfn - (gfn % pagesAt(kvm, goal));
  const sp = yield* kvm.sym.kvm_mmu_get_shadow_page(kvm, gfn, goal, quadrant, !nested);
  const ret = yield* kvm.sym.mmu_set_spte(kvm, slot, sptep_of(kvm, sp, gfn), writable, base_gfn, kvm_faultin_pfn(kvm, slot, base_gfn));
  yield write_unlock("kvm_mmu_page_fault");
  return ret;
}
