/**
 * Shadow pages (struct kvm_mmu_page) and their zapping, mmu.c v3.10 with the
 * generation number of patch 12 (sp->mmu_valid_gen, is_obsolete_sp).
 *
 * DEVIATION: a shadow page holds cfg.sptesPerPage leaf sptes and is direct
 * (its gfns are computed, sp->gfns[] is not simulated); the page-table
 * hierarchy above it (parent_ptes, roots, unsync children) is not simulated.
 * Every spte that the rmap layer tracks is a leaf, so this loses nothing the
 * rmap layer can see.
 * DEVIATION: sp->role is reduced to (level, quadrant). Pages with different
 * quadrants map the same gfns, as the shadow pages of different guest page
 * tables do under shadow paging; this is what makes rmaps hold many entries.
 */
import { MemoryFault } from "../runtime/errors";
import { alloc, free, type KGen, load, smpMb, store } from "../runtime/step";
import { flushRemoteTlbs } from "./steps";
import { fieldOf, init_field, KVM, type Kvm, MMU_PAGE } from "./kvm";
import { KVM_HPAGE_GFN_SHIFT } from "./memslot";
import { is_last_spte, is_shadow_present_pte } from "./spte_bits";

/** page_header(__pa(sptep)): the struct kvm_mmu_page owning a spte. */
export function page_header(kvm: Kvm, sptep: number): number {
  const obj = kvm.mem.objectAt(sptep);
  if (obj === undefined || obj.kind !== "spt") throw new MemoryFault("wrong-object", sptep, "page_header: not a spte");
  if (obj.freed) throw new MemoryFault("use-after-free", sptep, "page_header: shadow page freed");
  return obj.tag2;
}

/** An immutable field of a shadow page header (no scheduling point; liveness checked). */
function sp_field(kvm: Kvm, sp: number, off: number): number {
  return kvm.mem.read(fieldOf(sp, off), "mmu_page", "sp field");
}

export const sp_level = (kvm: Kvm, sp: number): number => sp_field(kvm, sp, MMU_PAGE.level);
export const sp_gfn = (kvm: Kvm, sp: number): number => sp_field(kvm, sp, MMU_PAGE.gfn);
export const sp_spt = (kvm: Kvm, sp: number): number => sp_field(kvm, sp, MMU_PAGE.spt);
export const sp_quadrant = (kvm: Kvm, sp: number): number => sp_field(kvm, sp, MMU_PAGE.quadrant);

/** Index of a spte inside its page: spte - sp->spt. */
export function spte_index(kvm: Kvm, sp: number, sptep: number): number {
  return (sptep - sp_spt(kvm, sp)) / 8;
}

/** kvm_mmu_page_get_gfn for a direct sp: sp->gfn + (index << KVM_HPAGE_GFN_SHIFT(level)). */
export function kvm_mmu_page_get_gfn(kvm: Kvm, sp: number, index: number): number {
  return sp_gfn(kvm, sp) + (index << KVM_HPAGE_GFN_SHIFT(kvm, sp_level(kvm, sp)));
}

/** is_obsolete_sp: sp->mmu_valid_gen != kvm->arch.mmu_valid_gen. Under mmu_lock. */
export function* is_obsolete_sp(kvm: Kvm, sp: number): KGen<boolean> {
  const gen = yield load(kvm.field(KVM.mmu_valid_gen), "kvm", "is_obsolete_sp: load kvm->arch.mmu_valid_gen");
  return sp_field(kvm, sp, MMU_PAGE.mmu_valid_gen) !== gen;
}

/**
 * kvm_mmu_alloc_page + the part of kvm_mmu_get_page that initialises a new
 * page: header and spt allocated, role.level, gfn and mmu_valid_gen set, page
 * put at the head of active_mmu_pages. Under mmu_lock.
 */
export function* kvm_mmu_alloc_page(kvm: Kvm, gfn: number, level: number, quadrant: number): KGen<number> {
  const sp = yield alloc("mmu_page", MMU_PAGE.WORDS, "kvm_mmu_alloc_page: alloc sp");
  const spt = yield alloc("spt", kvm.cfg.sptesPerPage, "kvm_mmu_alloc_page: alloc sp->spt");
  const id = kvm.nextSpId++;
  kvm.mem.objectAt(sp)!.tag = id; // ghost labels for traces and checkers
  kvm.mem.objectAt(spt)!.tag = id;
  kvm.mem.objectAt(spt)!.tag2 = sp;
  const gen = yield load(kvm.field(KVM.mmu_valid_gen), "kvm", "kvm_mmu_get_page: load kvm->arch.mmu_valid_gen");
  init_field(kvm, sp, MMU_PAGE.gfn, "mmu_page", gfn);
  init_field(kvm, sp, MMU_PAGE.level, "mmu_page", level);
  init_field(kvm, sp, MMU_PAGE.mmu_valid_gen, "mmu_page", gen);
  init_field(kvm, sp, MMU_PAGE.spt, "mmu_page", spt);
  init_field(kvm, sp, MMU_PAGE.id, "mmu_page", id);
  init_field(kvm, sp, MMU_PAGE.quadrant, "mmu_page", quadrant);
  kvm.active_mmu_pages.unshift(sp);
  const bucket = kvm.mmu_page_hash.get(gfn);
  if (bucket === undefined) kvm.mmu_page_hash.set(gfn, [sp]);
  else bucket.unshift(sp);
  return sp;
}

/** The pages of kvm->arch.mmu_page_hash with this sp->gfn, newest first (for_each_gfn_sp). */
export function for_each_gfn_sp(kvm: Kvm, gfn: number): readonly number[] {
  return kvm.mmu_page_hash.get(gfn) ?? [];
}

/** list_del(&sp->link) from active_mmu_pages and hlist_del(&sp->hash_link). */
function unlink_mmu_page(kvm: Kvm, sp: number): void {
  const at = kvm.active_mmu_pages.lastIndexOf(sp);
  if (at >= 0) kvm.active_mmu_pages.splice(at, 1);
  const bucket = kvm.mmu_page_hash.get(sp_gfn(kvm, sp));
  const i = bucket === undefined ? -1 : bucket.indexOf(sp);
  if (i >= 0) bucket!.splice(i, 1);
}

/**
 * kvm_mmu_get_page, reduced to what the rmap layer needs: the live,
 * non-obsolete page for (gfn, level, quadrant), or a new one. Under mmu_lock.
 */
export function* kvm_mmu_get_page(kvm: Kvm, gfn: number, level: number, quadrant: number): KGen<number> {
  for (const sp of for_each_gfn_sp(kvm, gfn)) {
    if (sp_level(kvm, sp) !== level || sp_quadrant(kvm, sp) !== quadrant) continue;
    if (yield* kvm.sym.kvm_mmu_get_page_can_reuse(kvm, sp)) return sp;
  }
  return yield* kvm.sym.kvm_mmu_alloc_page(kvm, gfn, level, quadrant);
}

/**
 * The test kvm_mmu_get_page applies to a page of the right gfn and role: not
 * role.invalid (part of the role word it compares) and, since 3.11 ("KVM: MMU:
 * do not reuse the obsolete page"), not obsolete. DEVIATION: a function of its
 * own, so that a mutant can replace this test alone.
 */
export function* kvm_mmu_get_page_can_reuse(kvm: Kvm, sp: number): KGen<boolean> {
  const invalid = yield load(fieldOf(sp, MMU_PAGE.invalid), "mmu_page", "kvm_mmu_get_page: load sp->role.invalid");
  if (invalid) return false;
  return !(yield* kvm.sym.is_obsolete_sp(kvm, sp));
}

/** mmu_page_zap_pte for a leaf: a present leaf spte is dropped (rmap entry removed). */
export function* mmu_page_zap_pte(kvm: Kvm, sp: number, sptep: number): KGen<void> {
  const pte = yield load(sptep, "spt", "mmu_page_zap_pte: load *spte");
  if (is_shadow_present_pte(pte) && is_last_spte(pte, sp_level(kvm, sp))) yield* kvm.sym.drop_spte(kvm, sptep);
}

/**
 * kvm_mmu_prepare_zap_page: drop every spte of the page through its slot's
 * rmap ops, mark it role.invalid and move it to invalid_list. Under mmu_lock.
 */
export function* kvm_mmu_prepare_zap_page(kvm: Kvm, sp: number, invalid_list: number[]): KGen<number> {
  const spt = sp_spt(kvm, sp);
  for (let i = 0; i < kvm.cfg.sptesPerPage; i++) yield* kvm.sym.mmu_page_zap_pte(kvm, sp, spt + i * 8);
  yield store(fieldOf(sp, MMU_PAGE.invalid), "mmu_page", 1, "kvm_mmu_prepare_zap_page: store sp->role.invalid = 1");
  unlink_mmu_page(kvm, sp);
  invalid_list.push(sp);
  return 1;
}

/** kvm_mmu_free_page: free the spt page and the header. */
export function* kvm_mmu_free_page(kvm: Kvm, sp: number): KGen<void> {
  yield free(sp_spt(kvm, sp), "spt", "kvm_mmu_free_page: free sp->spt");
  yield free(sp, "mmu_page", "kvm_mmu_free_page: free sp");
}

/**
 * kvm_mmu_commit_zap_page: smp_mb, flush remote TLBs (waits for vCPUs in
 * guest mode or in a lockless walk, not for other threads), free the pages.
 */
export function* kvm_mmu_commit_zap_page(kvm: Kvm, invalid_list: number[]): KGen<void> {
  if (invalid_list.length === 0) return;
  yield smpMb("kvm_mmu_commit_zap_page: smp_mb");
  yield flushRemoteTlbs("kvm_mmu_commit_zap_page: kvm_flush_remote_tlbs");
  while (invalid_list.length > 0) yield* kvm.sym.kvm_mmu_free_page(kvm, invalid_list.shift()!);
}
