/**
 * The abstraction function: implementation state -> model state.
 *
 *   sptes  <- every present spte of every live, not-zapped shadow page, decoded
 *   rmaps  <- every installed slot's heads, decoded, SKIP entries dropped
 *   slots  <- the installed memslots array; ops == invalid_rmap_ops -> "invalid"
 *   sps    <- live pages not marked role.invalid
 *   pfns   <- the machine's record of kvm_set_pfn_accessed / _dirty calls
 *
 * Structural problems met on the way are returned, named, not hidden.
 */
import type { Kvm } from "../impl/kvm";
import { PTE_LIST_SPTE_SKIP } from "../impl/pte_list_clear_concurrently";
import {
  is_large_pte,
  is_shadow_present_pte,
  is_writable_pte,
  PT_ACCESSED_MASK,
  PT_DIRTY_MASK,
  SPTE_HOST_WRITEABLE,
  SPTE_MMU_WRITEABLE,
  spte_to_pfn,
} from "../impl/spte_bits";
import type { Layout } from "../model/pte_list_add_count";
import { type ModelState, type PageFlags, rmapKey, type ShadowPage, type Slot, type Spte } from "../model/state";
import type { Machine } from "../runtime/machine";
import { installedSlots, liveSps } from "./impl_state";
import { readRmap, refOfSptep } from "./rmap_view";

export function decodeSpte(v: number): Spte {
  return {
    pfn: spte_to_pfn(v),
    large: is_large_pte(v),
    writable: is_writable_pte(v),
    hostWritable: (v & SPTE_HOST_WRITEABLE) !== 0,
    mmuWritable: (v & SPTE_MMU_WRITEABLE) !== 0,
    accessed: (v & PT_ACCESSED_MASK) !== 0,
    dirty: (v & PT_DIRTY_MASK) !== 0,
  };
}

export function abstraction(m: Machine): { s: ModelState; errors: string[]; heads: number } {
  const kvm = m.kvm;
  const errors: string[] = [];
  let nHeads = 0;
  const slots = new Map<number, Slot>();
  const rmaps = new Map<string, Set<string>>();
  for (const si of installedSlots(kvm)) {
    slots.set(si.id, { id: si.id, baseGfn: si.baseGfn, npages: si.npages, userspaceAddr: si.userspaceAddr, rmaps: si.invalid ? "invalid" : "valid" });
    si.heads.forEach((heads, l) =>
      heads.forEach((rmapp, idx) => {
        nHeads++;
        const v = readRmap(kvm, rmapp);
        errors.push(...v.errors);
        const refs = v.entries.filter((e) => e !== PTE_LIST_SPTE_SKIP).map((e) => refOfSptep(kvm, e));
        if (refs.length > 0) rmaps.set(rmapKey(si.id, l + 1, idx), new Set(refs));
        if (new Set(refs).size !== refs.length) errors.push(`NO-DUP: rmap ${rmapKey(si.id, l + 1, idx)} holds a spte twice`);
      }),
    );
  }
  const sps = new Map<number, ShadowPage>();
  const sptes = new Map<string, Spte>();
  for (const sp of liveSps(kvm)) {
    if (sp.invalid) continue;
    sps.set(sp.id, { id: sp.id, gfn: sp.gfn, level: sp.level, quadrant: sp.quadrant, gen: sp.gen });
    for (let i = 0; i < kvm.cfg.sptesPerPage; i++) {
      const v = kvm.mem.peek(sp.spt + i * 8);
      if (is_shadow_present_pte(v)) sptes.set(`${sp.id}:${i}`, decodeSpte(v));
    }
  }
  const pfns = new Map<number, PageFlags>();
  for (const [pfn, f] of [...m.pfns].sort((a, b) => a[0] - b[0])) pfns.set(pfn, { accessed: f.accessed, dirty: f.dirty });
  const geo = { levelShift: kvm.cfg.levelShift, sptesPerPage: kvm.cfg.sptesPerPage, adBits: kvm.cfg.adBits };
  const gen = kvm.mem.peek(kvm.field(0));
  return { s: { geo, gen, nextSpId: kvm.nextSpId, slots, sps, sptes, rmaps, pfns }, errors, heads: nHeads };
}

/** The layout of one rmap, for pte_list_add's count. */
export function layoutOf(kvm: Kvm, rmapp: number): Layout {
  const v = readRmap(kvm, rmapp);
  return v.form === "descs" ? { form: "descs", fills: v.fills } : { form: v.form };
}
