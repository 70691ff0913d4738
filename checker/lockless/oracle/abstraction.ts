/**
 * The abstraction function of the lockless subject: the model state
 * (model/lockless/state.ts) the implementation's memory stands for, decoded
 * with the spec's encodings, and what is wrong with the representation on
 * the way (a malformed list: DESC-SHAPE; an entry that names no live spte:
 * RMAP-COMPLETE). Heads are read without their LOCKED bit: a reader holding
 * the lock does not change what the list means.
 */
import { decodeSpte, decodeTdpWord, isLoggedWord } from "../../../model/lockless/encoding";
import { initialState, type ModelState, rmapKey, type ShadowPage, type Spte, spteRef } from "../../../model/lockless/state";
import { WORD_BYTES } from "../../../runtime/memory";
import type { Finding } from "../../violation";
import type { LocklessWorld } from "../world";
import { activeSlot, decodeChain, dirtyWordAddr, livePages, rmapHeads, slotDeleted, slotLogsDirty, spteAt } from "./impl_view";

export interface Abstraction {
  readonly s: ModelState;
  readonly errors: Finding[];
  /** Heads visited (for counters). */
  readonly heads: number;
}

export function abstraction(w: LocklessWorld): Abstraction {
  const kvm = w.kvm;
  const errors: Finding[] = [];
  const sps = new Map<number, ShadowPage>();
  const sptes = new Map<string, Spte>();
  let nextSpId = 1;
  for (const p of livePages(kvm)) {
    sps.set(p.id, { id: p.id, gfn: p.gfn, level: p.level, quadrant: p.quadrant, direct: p.direct, adDisabled: p.adDisabled });
    nextSpId = Math.max(nextSpId, p.id + 1);
    for (let i = 0; i < kvm.cfg.sptesPerPage; i++) {
      const v = decodeSpte(kvm.mem.peek(p.spt + i * WORD_BYTES));
      if (v) sptes.set(spteRef(p.id, i), v);
    }
  }
  nextSpId = Math.max(nextSpId, kvm.nextSpId);
  const rmaps = new Map<string, Set<string>>();
  const heads = rmapHeads(kvm);
  for (const h of heads) {
    const chain = decodeChain(kvm, kvm.mem.peek(h.addr));
    // An empty, well-formed list adds nothing (most heads): no name is made for it.
    if (chain.entries.length === 0 && chain.errors.length === 0) continue;
    const where = `rmap ${h.level}:${h.index}`;
    for (const e of chain.errors) errors.push({ invariant: "DESC-SHAPE", detail: `${where}: ${e}` });
    for (const e of chain.entries) {
      const at = spteAt(kvm, e);
      if (at === undefined || !sps.has(at.page.id)) {
        errors.push({ invariant: "RMAP-COMPLETE", detail: `${where} names 0x${e.toString(16)}, which is no spte of a live shadow page` });
        continue;
      }
      const key = rmapKey(h.level, h.index);
      if (!rmaps.has(key)) rmaps.set(key, new Set());
      rmaps.get(key)!.add(spteRef(at.page.id, at.index));
    }
  }
  const dirty = new Set<number>();
  for (let g = w.slot.baseGfn; g < w.slot.baseGfn + w.slot.npages; g++) {
    const a = dirtyWordAddr(kvm, g);
    if (a && isLoggedWord(kvm.mem.peek(a))) dirty.add(g);
  }
  const tdp = new Map<number, boolean>();
  for (let g = w.slot.baseGfn; kvm.tdp_sptes !== 0 && g < w.slot.baseGfn + w.slot.npages; g++) {
    const young = decodeTdpWord(kvm.mem.peek(kvm.tdp_sptes + (g - w.slot.baseGfn) * WORD_BYTES));
    if (young !== undefined) tdp.set(g, young);
  }
  const logDirty = slotLogsDirty(kvm, activeSlot(kvm));
  const s: ModelState = { ...initialState(w.geo, w.slot), nextSpId, sps, sptes, rmaps, dirty, logDirty, tdp, deleted: slotDeleted(kvm) };
  return { s, errors, heads: heads.length };
}
