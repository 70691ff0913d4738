/**
 * Refinement under interleaving, at spte granularity (docs/model.md): a
 * ghost copy of the model's sptes, rmap sets and host-page flags, advanced by
 * model/spte_rules.ts at every step that writes a spte, plus the A/D
 * obligations each clearer owes (INV-AD). At quiescence the implementation's
 * abstraction must equal this ghost model.
 */
import { fieldOf, KVM, type Kvm, MMU_PAGE } from "../../../impl/kvm";
import { diffStates, spteText } from "../../../model/diff";
import { decodeSpte, isPresent } from "../../../model/encoding";
import type { OpDesc } from "../../../model/operations";
import type { FlushStyle } from "../../../model/spec";
import { judgeSpteChange, siteRmap, type SpteSite } from "../../../model/spte_rules";
import { type Geometry, type ModelState, type PageFlags, type Slot, type Spte, spteRef } from "../../../model/state";
import { type MemObject, WORD_BYTES } from "../../../runtime/memory";
import type { Thread } from "../../../runtime/thread";
import { opText } from "../operations";
import { Violation } from "../../violation";
import type { GhostSpte } from "./notifier_calls";
import { geometryOf } from "./impl_state";
import { refOfSptep } from "./rmap_view";

/** The slot id of an rmap key `${slot}:${level}:${index}` (model/state.ts rmapKey). */
function slotOfKey(key: string): number {
  const i = key.indexOf(":");
  return Number(i < 0 ? key : key.slice(0, i));
}

interface Obligation {
  pfn: number;
  ref: string;
  accessed: boolean;
  dirty: boolean;
  /** Order of the debts (the first one left is reported). */
  seq?: number;
}

export class SpteRefinement {
  /** Model value of each present spte, by spte address. */
  private readonly sptes = new Map<number, Spte>();
  private readonly rmaps = new Map<string, Set<string>>();
  /** The rmap each mapped spte went into. */
  private readonly refKey = new Map<string, string>();
  private readonly pfns = new Map<number, PageFlags>();
  /** What each thread still owes, by pfn, in the order the debts arose (paid debts are removed). */
  private readonly owed = new Map<Thread, Map<number, Obligation[]>>();
  /** Propagations made while the clear they pay for was still in the thread's store buffer (x86-TSO). */
  private readonly credits = new Map<Thread, Obligation[]>();
  private seq = 0;
  /** The model value an operation last dropped, per thread and spte ref (set_spte_hva remaps it). */
  private readonly lastDropped = new Map<Thread, Map<string, Spte>>();

  /** The model's geometry of the VM (its configuration never changes). */
  private readonly geo: Geometry;

  constructor(private readonly kvm: Kvm, private readonly style: FlushStyle) {
    this.geo = geometryOf(kvm);
  }

  site(obj: MemObject, addr: number): SpteSite {
    const sp = obj.tag2;
    const mem = this.kvm.mem;
    const index = (addr - obj.base) / WORD_BYTES;
    return {
      ref: spteRef(obj.tag, index),
      spGfn: mem.peek(fieldOf(sp, MMU_PAGE.gfn)),
      level: mem.peek(fieldOf(sp, MMU_PAGE.level)),
      quadrant: mem.peek(fieldOf(sp, MMU_PAGE.quadrant)),
      index,
      spGen: mem.peek(fieldOf(sp, MMU_PAGE.mmu_valid_gen)),
    };
  }

  /**
   * A step of thread t, running op, changed the spte at addr from `oldRaw` to
   * `nowRaw`. `slots` are the installed slots at this moment.
   */
  onSpteWrite(t: Thread, op: OpDesc, label: string, obj: MemObject, addr: number, nowRaw: number, slots: readonly Slot[], invalidInstalled: (slotId: number) => boolean): void {
    const geo = this.geo;
    const site = this.site(obj, addr);
    const old = this.sptes.get(addr);
    const now = isPresent(nowRaw) ? decodeSpte(nowRaw) : undefined;
    const gen = this.kvm.mem.peek(this.kvm.field(KVM.mmu_valid_gen));
    const j = judgeSpteChange(geo, this.style, slots, gen, op, site, old, now, this.lastDropped.get(t)?.get(site.ref));
    if (j.error !== null) {
      throw new Violation(j.invariant, `${t.name}: ${opText(op)} at "${label}" ${j.error}`, [
        `spte ${site.ref}: model before ${spteText(old)}, implementation after ${spteText(now)}`,
      ]);
    }
    const c = j.change;
    if (c === null) return;
    if (c.kind === "drop") {
      this.sptes.delete(addr);
      const key = this.refKey.get(site.ref);
      this.refKey.delete(site.ref);
      if (key !== undefined) this.rmaps.get(key)?.delete(site.ref);
      let dropped = this.lastDropped.get(t);
      if (dropped === undefined) this.lastDropped.set(t, (dropped = new Map()));
      dropped.set(site.ref, old!);
      this.flag(old!.pfn, c.accessed, c.dirty);
      if (c.accessed || c.dirty) this.owe(t, { pfn: old!.pfn, ref: site.ref, accessed: c.accessed, dirty: c.dirty });
      if (key !== undefined && invalidInstalled(slotOfKey(key))) this.checkObsolete(t, op, obj, site);
      return;
    }
    this.sptes.set(addr, c.value);
    if (c.kind === "update" && (c.accessed || c.dirty)) {
      this.flag(old!.pfn, c.accessed, c.dirty);
      this.owe(t, { pfn: old!.pfn, ref: site.ref, accessed: c.accessed, dirty: c.dirty });
    }
    if (c.kind === "map") {
      const r = siteRmap(geo, slots, site)!;
      this.refKey.set(site.ref, r.key);
      let set = this.rmaps.get(r.key);
      if (set === undefined) this.rmaps.set(r.key, (set = new Set()));
      set.add(site.ref);
    }
  }

  /** INV-OBSOLETE: a spte cleared through an invalid rmap belongs to an obsolete page. */
  private checkObsolete(t: Thread, op: OpDesc, obj: MemObject, site: SpteSite): void {
    const gen = this.kvm.mem.peek(this.kvm.field(KVM.mmu_valid_gen));
    const spGen = this.kvm.mem.peek(fieldOf(obj.tag2, MMU_PAGE.mmu_valid_gen));
    if (spGen === gen) {
      throw new Violation("INV-OBSOLETE", `${t.name}: ${opText(op)} clears spte ${site.ref} of an invalid rmap, but its page sp${obj.tag} is of the current generation ${gen}: no TLB flush covers it`);
    }
  }

  private obligations(t: Thread, pfn: number): Obligation[] {
    let byPfn = this.owed.get(t);
    if (byPfn === undefined) this.owed.set(t, (byPfn = new Map()));
    let o = byPfn.get(pfn);
    if (o === undefined) byPfn.set(pfn, (o = []));
    return o;
  }

  private flag(pfn: number, accessed: boolean, dirty: boolean): void {
    const p = this.pfns.get(pfn) ?? { accessed: false, dirty: false };
    this.pfns.set(pfn, { accessed: p.accessed || accessed, dirty: p.dirty || dirty });
  }

  /**
   * kvm_set_pfn_accessed / kvm_set_pfn_dirty by t discharge what t owes for that pfn. Under x86-TSO
   * the clear that creates the debt may still sit in t's store buffer (the kernel propagates what its
   * load saw, right after its plain store): a call that finds nothing owed while t has buffered stores
   * is kept as a credit for the drop that store makes when it drains (under SC no credit is ever kept).
   */
  onPropagate(t: Thread, pfn: number, dirty: boolean): void {
    let paid = false;
    const debts = this.owed.get(t)?.get(pfn);
    if (debts !== undefined) {
      for (const o of debts) {
        if (!(dirty ? o.dirty : o.accessed)) continue;
        if (dirty) o.dirty = false;
        else o.accessed = false;
        paid = true;
      }
      const left = debts.filter((o) => o.accessed || o.dirty);
      if (left.length === 0) this.owed.get(t)!.delete(pfn);
      else this.owed.get(t)!.set(pfn, left);
    }
    if (paid || t.storeBuffer.length === 0) return;
    let c = this.credits.get(t);
    if (c === undefined) this.credits.set(t, (c = []));
    c.push({ pfn, ref: "", accessed: !dirty, dirty });
  }

  /** A new debt of t, less what t already paid ahead of its buffered store. */
  private owe(t: Thread, o: Obligation): void {
    const credits = this.credits.get(t);
    if (credits !== undefined) {
      for (const c of credits) {
        if (c.pfn !== o.pfn) continue;
        if (c.accessed && o.accessed) c.accessed = o.accessed = false;
        if (c.dirty && o.dirty) c.dirty = o.dirty = false;
      }
    }
    if (o.accessed || o.dirty) this.obligations(t, o.pfn).push({ pfn: o.pfn, ref: o.ref, accessed: o.accessed, dirty: o.dirty, seq: this.seq++ });
  }

  /** INV-AD: when t's operation ends, it has propagated what it cleared. */
  onOpEnd(t: Thread, op: OpDesc): void {
    const left = [...(this.owed.get(t)?.values() ?? [])].flat().sort((a, b) => a.seq! - b.seq!);
    this.owed.delete(t);
    if (t.storeBuffer.length === 0) this.credits.delete(t);
    this.lastDropped.delete(t);
    if (left.length > 0) {
      const o = left[0]!;
      const what = [o.accessed && "kvm_set_pfn_accessed", o.dirty && "kvm_set_pfn_dirty"].filter(Boolean).join(" and ");
      throw new Violation("INV-AD", `${t.name}: ${opText(op)} cleared spte ${o.ref} and never called ${what}(0x${o.pfn.toString(16)})`, [
        `pfn 0x${o.pfn.toString(16)}: model accessed=${this.pfns.get(o.pfn)?.accessed ?? false} dirty=${this.pfns.get(o.pfn)?.dirty ?? false}`,
      ]);
    }
  }

  /** The ghost model's present leaf spte at addr, with the rmap it went into. */
  at(addr: number): GhostSpte | undefined {
    const value = this.sptes.get(addr);
    const key = value && this.refKey.get(refOfSptep(this.kvm, addr));
    return key === undefined ? undefined : { addr, value: value!, key };
  }

  /** Every present leaf spte of the ghost model. */
  *ghost(): Iterable<GhostSpte> {
    for (const addr of this.sptes.keys()) {
      const g = this.at(addr);
      if (g !== undefined) yield g;
    }
  }

  /** The ghost model's sptes, rmaps and pfns against the implementation's abstraction. */
  compare(impl: ModelState): string[] {
    const sptes = new Map<string, Spte>();
    for (const [addr, v] of this.sptes) sptes.set(refOfSptep(this.kvm, addr), v);
    const rmaps = new Map<string, Set<string>>();
    for (const [k, v] of this.rmaps) if (v.size > 0) rmaps.set(k, v);
    const model: ModelState = { ...impl, sptes, rmaps, pfns: this.pfns };
    return diffStates(model, impl);
  }
}
