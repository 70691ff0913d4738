/**
 * "Zap the roots": the v1/v2 design of Xiao Guangrong's "fast zap all shadow
 * pages" (v1 "[PATCH 0/6]", 13 Mar 2013, Message-ID
 * 514006AC.2020904@linux.vnet.ibm.com; v2 "[PATCH v2 0/7]", ~20 Mar 2013),
 * the design Marcelo Tosatti asked about on v3 07/15: "The idea to zap the
 * roots is very elegant and apparently effective. What are its problems?"
 *
 * Provenance (tags as in the spec, shared/spec/series.md §0):
 *  - [C] v1 cover letter: "Since all shadow page will be zapped, we can
 *    directly zap the mmu-cache and rmap so that vcpu will fault on the new
 *    mmu-cache, after that, we can directly free the memory used by old
 *    mmu-cache. The root shadow page is little especial since they are
 *    currently used by vcpus, we can not directly free them. So, we zap the
 *    root shadow pages and re-add them into the new mmu-cache."
 *  - [C] Xiao's answer to Marcelo (seed): after zap_all_pages "the rmap and
 *    lpage-info will be freed", so the pages must leave them fast.
 *  - [R] v1's kvm_mmu_zap_all, as recalled: under mmu_lock, move the roots
 *    aside (kvm_mmu_prepare_zap_page on each, kvm_reload_remote_mmus), take
 *    every other page off active_mmu_pages and the hash, reset every rmap head
 *    of every memslot to empty ("kvm_clear_all_gfn_page_info", which also
 *    resets lpage_info), kvm_flush_remote_tlbs, unlock; then free the old
 *    pages and every pte_list_desc (kept on a per-VM list, "mmu_cache->
 *    pte_list_descs") without walking them.
 *  - [R] v2: the same idea; root zaps batched, only the hash table memset,
 *    the reload after kvm_mmu_zap_all dropped. Roots are not simulated here
 *    (impl/mmu_page.ts), so v2 is this same code: no separate design.
 *  - [I] The sptes of the old pages are never cleared: no
 *    mmu_spte_clear_track_bits, so no kvm_set_pfn_accessed/_dirty for them.
 *    Clearing them would be the per-spte walk the design exists to avoid.
 */
import { free, type KGen, load, spinLock, spinUnlock, store } from "../runtime/step";
import { KVM_NR_PAGE_SIZES, type Kvm } from "./kvm";
import { kvm_memslots, memslots_slots } from "./memslot";
import { memslot_level_rmaps } from "./memslot_lifecycle";
import { sp_level, sp_spt } from "./mmu_page";
import { desc_more } from "./pte_list";
import { is_last_spte, is_shadow_present_pte } from "./spte_bits";
import { flushRemoteTlbs } from "./steps";
import type { Overrides } from "./symbols";
import { kvm_free_memslot } from "./zap_obsolete";

/**
 * The descs hanging off an rmap head, first to last. DEVIATION: v1 keeps every
 * desc on a per-VM list [R] and frees that list; the model finds the same
 * descs from the heads, host-side (no steps), before the heads are reset.
 */
function descs_of(kvm: Kvm, rmapp: number): number[] {
  const out: number[] = [];
  const head = kvm.mem.peek(rmapp);
  if (!(head & 1)) return out;
  for (let d = head & ~1; d; d = kvm.mem.peek(desc_more(kvm, d))) out.push(d);
  return out;
}

/**
 * kvm_clear_all_gfn_page_info [R name]: every rmap head of every installed
 * memslot (the invalid copy of a slot being deleted included) set to empty,
 * one store per head; returns the descs that hung off them. DEVIATION:
 * lpage_info is not simulated, so its reset is not either.
 */
export function* kvm_clear_all_gfn_page_info(kvm: Kvm): KGen<number[]> {
  const descs: number[] = [];
  for (const slot of memslots_slots(kvm, yield* kvm_memslots(kvm))) {
    for (let level = 1; level <= KVM_NR_PAGE_SIZES; level++) {
      for (const rmapp of memslot_level_rmaps(kvm, slot, level)) {
        descs.push(...descs_of(kvm, rmapp));
        yield store(rmapp, "rmap", 0, "kvm_clear_all_gfn_page_info: memset(rmap, 0)");
      }
    }
  }
  return descs;
}

/**
 * kvm_mmu_zap_all (v1 [R]): reset the mmu cache and every rmap under
 * mmu_lock, flush TLBs, then free the old pages and descs directly.
 * DEVIATION: no roots are simulated, so there is no root to zap and re-add.
 * DEVIATION: the old pages and descs are freed before spin_unlock, where v1
 * frees them after it [R]: by then nothing can reach them (off every list,
 * no rmap entry, TLBs flushed), so the only difference is that the frees
 * count towards the mmu_lock hold (the cost columns overstate v1's hold by
 * them), and the oracle's rule that shadow pages are freed under mmu_lock
 * (INV-LOCK) is not tripped by a free that is safe here.
 */
export function* kvm_mmu_zap_all(kvm: Kvm): KGen<void> {
  yield* zap_all_v1(kvm, false);
}

/**
 * The variant zap-roots-v1-track [I]: v1 with the A/D state of every present
 * leaf spte of the old pages moved to its page (mmu_spte_clear_track_bits on
 * each, no rmap work) before the pages are freed: what v1 would need not to
 * lose it, at one load (and a clear) per spte, the walk v1 avoids.
 */
export function* kvm_mmu_zap_all_track(kvm: Kvm): KGen<void> {
  yield* zap_all_v1(kvm, true);
}

function* zap_all_v1(kvm: Kvm, track: boolean): KGen<void> {
  yield spinLock("kvm_mmu_zap_all: spin_lock(mmu_lock)");
  const invalid_list = kvm.active_mmu_pages.splice(0); // list_splice(&active_mmu_pages, &invalid_list)
  kvm.mmu_page_hash.clear(); // memset(mmu_page_hash, 0)
  const descs = yield* kvm_clear_all_gfn_page_info(kvm);
  if (track) for (const sp of invalid_list) yield* clear_track_old_sptes(kvm, sp);
  yield flushRemoteTlbs("kvm_mmu_zap_all: kvm_flush_remote_tlbs");
  for (const sp of invalid_list) {
    yield free(sp_spt(kvm, sp), "spt", "kvm_mmu_zap_all: kvm_mmu_free_page: free sp->spt (sptes not cleared)");
    yield free(sp, "mmu_page", "kvm_mmu_zap_all: kvm_mmu_free_page: free sp");
  }
  for (const desc of descs) yield* kvm.sym.mmu_free_pte_list_desc(kvm, desc);
  yield spinUnlock("kvm_mmu_zap_all: spin_unlock(mmu_lock)");
}

/** zap-roots-v1-track: every present leaf spte of `sp` cleared with mmu_spte_clear_track_bits (its rmap entry is already gone). */
function* clear_track_old_sptes(kvm: Kvm, sp: number): KGen<void> {
  const spt = sp_spt(kvm, sp);
  for (let i = 0; i < kvm.cfg.sptesPerPage; i++) {
    const sptep = spt + i * 8;
    const pte = yield load(sptep, "spt", "kvm_mmu_zap_all: load *spte (track variant)");
    if (is_shadow_present_pte(pte) && is_last_spte(pte, sp_level(kvm, sp))) yield* kvm.sym.mmu_spte_clear_track_bits(kvm, sptep);
  }
}

/** x86.c kvm_arch_flush_shadow_all (3.9 with v1): kvm_mmu_zap_all. */
function* kvm_arch_flush_shadow_all(kvm: Kvm): KGen<void> {
  yield* kvm.sym.kvm_mmu_zap_all(kvm);
}

/** x86.c kvm_arch_flush_shadow_memslot (3.9): kvm_arch_flush_shadow_all; v2 dropped the reload after it [R]. */
function* kvm_arch_flush_shadow_memslot(kvm: Kvm): KGen<void> {
  yield* kvm.sym.kvm_mmu_zap_all(kvm);
}

/** The v1/v2 symbols over the v3 table: rmap ops are never switched, every rmap operation is the normal one. */
export const zapRootsV1: Overrides = () => ({
  kvm_mmu_zap_all,
  kvm_arch_flush_shadow_memslot,
  kvm_arch_flush_shadow_all,
  kvm_free_memslot,
});

/** zap-roots-v1-track: v1 with the old pages' A/D state moved to their pages. */
export const zapRootsV1Track: Overrides = () => ({
  kvm_mmu_zap_all: kvm_mmu_zap_all_track,
  kvm_arch_flush_shadow_memslot,
  kvm_arch_flush_shadow_all,
  kvm_free_memslot,
});
