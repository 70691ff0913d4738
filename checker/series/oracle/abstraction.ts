/**
 * The abstraction function: implementation state -> model state.
 *
 *   sptes  <- every present spte of every live, not-zapped shadow page, decoded
 *   rmaps  <- every installed slot's heads, decoded, SKIP entries dropped
 *   slots  <- the installed memslots array; ops == invalid_rmap_ops -> "invalid"
 *   sps    <- live pages not marked role.invalid
 *   pfns   <- the host pages' record of kvm_set_pfn_accessed / _dirty calls
 *
 * Values are decoded with the model's encodings (model/encoding.ts), never
 * with impl/'s helpers. Structural problems met on the way are returned,
 * named, not hidden.
 */
import { KVM, type Kvm } from "../../../impl/kvm";
import { decodeSpte, isPresent, PTE_LIST_SPTE_SKIP } from "../../../model/encoding";
import type { Layout } from "../../../model/pte_list_add_count";
import { type ModelState, type PageFlags, rmapKey, type ShadowPage, type Slot, type Spte } from "../../../model/state";
import type { Finding } from "../../violation";
import type { World } from "../world";
import { geometryOf, installedSlots, liveSps, type SlotInfo } from "./impl_state";
import { readRmap, refOfSptep } from "./rmap_view";

/** The abstract state, the findings met on the way, the heads read, and the installed slots read (impl_state.ts installedSlots). */
export function abstraction(w: World): { s: ModelState; errors: Finding[]; heads: number; installed: SlotInfo[] } {
  const kvm = w.kvm;
  const errors: Finding[] = [];
  let nHeads = 0;
  const slots = new Map<number, Slot>();
  const rmaps = new Map<string, Set<string>>();
  const installed = installedSlots(kvm);
  for (const si of installed) {
    slots.set(si.id, { id: si.id, baseGfn: si.baseGfn, npages: si.npages, userspaceAddr: si.userspaceAddr, rmaps: si.invalid ? "invalid" : "valid" });
    si.heads.forEach((heads, l) =>
      heads.forEach((rmapp, idx) => {
        nHeads++;
        // Most heads are empty: nothing to decode, no finding (what readRmap would say of a 0 head).
        if (kvm.mem.peek(rmapp) === 0) return;
        const v = readRmap(kvm, rmapp);
        errors.push(...v.errors);
        const refs = v.entries.filter((e) => e !== PTE_LIST_SPTE_SKIP).map((e) => refOfSptep(kvm, e));
        const set = new Set(refs);
        if (refs.length > 0) rmaps.set(rmapKey(si.id, l + 1, idx), set);
        if (set.size !== refs.length) errors.push({ invariant: "NO-DUP", detail: `rmap ${rmapKey(si.id, l + 1, idx)} holds a spte twice` });
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
      if (isPresent(v)) sptes.set(`${sp.id}:${i}`, decodeSpte(v));
    }
  }
  const pfns = new Map<number, PageFlags>();
  for (const [pfn, f] of [...w.hostPages.pfns].sort((a, b) => a[0] - b[0])) pfns.set(pfn, { accessed: f.accessed, dirty: f.dirty });
  const gen = kvm.mem.peek(kvm.field(KVM.mmu_valid_gen));
  return { s: { geo: geometryOf(kvm), gen, nextSpId: kvm.nextSpId, slots, sps, sptes, rmaps, pfns, deleting: new Map() }, errors, heads: nHeads, installed };
}

/** The layout of one rmap, for pte_list_add's count. */
export function layoutOf(kvm: Kvm, rmapp: number): Layout {
  const v = readRmap(kvm, rmapp);
  return v.form === "descs" ? { form: "descs", fills: v.fills } : { form: v.form };
}
