/**
 * Checks over the implementation's rmap memory that the step checker runs at
 * the moments model/invariants.ts gives them: one rmap at a time (structure,
 * duplicates, placement), a whole slot before its rmap memory is freed
 * (INV-COMPLETE), every rmap before a shadow page is freed (INV-SP-LIVE).
 */
import { fieldOf, KVM, type Kvm, MMU_PAGE } from "../../../impl/kvm";
import { isPresent, PTE_LIST_SPTE_SKIP } from "../../../model/encoding";
import { gfnToIndex, pagesAt } from "../../../model/geometry";
import { WORD_BYTES } from "../../../runtime/memory";
import { Violation } from "../../violation";
import { geometryOf, liveSps } from "./impl_state";
import { readRmap, refOfSptep } from "./rmap_view";

/** Where a head lives: its slot id, level and index. */
export function headSite(kvm: Kvm, head: number): { slot: number; level: number; index: number } {
  const obj = kvm.mem.objectAt(head)!;
  return { slot: obj.tag, level: obj.tag2, index: (head - obj.base) / WORD_BYTES };
}

/** A head as counterexamples name it: "slot:level:index". */
export function headName(kvm: Kvm, head: number): string {
  const h = headSite(kvm, head);
  return `${h.slot}:${h.level}:${h.index}`;
}

/**
 * Structure of one rmap (HEAD-WF, DESC-*), no duplicates, and every non-SKIP
 * entry a live spte whose gfn and level put it in this very rmap (PLACEMENT).
 * `baseGfn` is the slot's; `skipAllowed` says whether SKIP may appear.
 */
export function checkRmap(kvm: Kvm, head: number, baseGfn: number, skipAllowed: boolean): void {
  const v = readRmap(kvm, head);
  if (v.errors.length > 0) throw Violation.of(v.errors[0]!);
  const geo = geometryOf(kvm);
  const { slot, level, index } = headSite(kvm, head);
  const seen = new Set<number>();
  for (const e of v.entries) {
    if (e === PTE_LIST_SPTE_SKIP) {
      if (!skipAllowed) throw new Violation("INV-SKIP-ONLY-INVALID", `rmap ${slot}:${level}:${index} of a valid slot holds PTE_LIST_SPTE_SKIP`);
      continue;
    }
    if (seen.has(e)) throw new Violation("NO-DUP", `rmap ${slot}:${level}:${index} holds spte ${refOfSptep(kvm, e)} twice`);
    seen.add(e);
    const obj = kvm.mem.objectAt(e)!;
    if (obj.freed) throw new Violation("PLACEMENT", `rmap ${slot}:${level}:${index} names spte ${refOfSptep(kvm, e)} of a freed page`);
    const sp = liveOrFreedSp(kvm, obj.tag2);
    const gfn = sp.gfn + ((e - obj.base) / WORD_BYTES) * pagesAt(geo, sp.level);
    if (sp.level !== level || gfnToIndex(geo, gfn, baseGfn, level) !== index) {
      throw new Violation("PLACEMENT", `rmap ${slot}:${level}:${index} holds spte ${refOfSptep(kvm, e)}, which maps gfn 0x${gfn.toString(16)} at level ${sp.level}`);
    }
  }
}

function liveOrFreedSp(kvm: Kvm, sp: number): { gfn: number; level: number } {
  return { gfn: kvm.mem.peek(fieldOf(sp, MMU_PAGE.gfn)), level: kvm.mem.peek(fieldOf(sp, MMU_PAGE.level)) };
}

/** Every head address of every rmap array still allocated. */
export function allLiveHeads(kvm: Kvm): number[] {
  const out: number[] = [];
  for (const arr of kvm.mem.live("rmap")) for (let i = 0; i < arr.words; i++) out.push(arr.base + i * WORD_BYTES);
  return out;
}

/** INV-SP-LIVE: no rmap entry names a spte in [base, base + words). */
export function checkNoEntryInto(kvm: Kvm, base: number, words: number, spId: number): void {
  for (const head of allLiveHeads(kvm)) {
    for (const e of readRmap(kvm, head).entries) {
      if (e >= base && e < base + words * WORD_BYTES) {
        const { slot, level, index } = headSite(kvm, head);
        throw new Violation("INV-SP-LIVE", `shadow page sp${spId} is freed while rmap ${slot}:${level}:${index} still names its spte ${refOfSptep(kvm, e)}`);
      }
    }
  }
}

/**
 * INV-COMPLETE before a slot's rmap memory is freed: every head of the slot is
 * empty or a lone SKIP once its descs are gone (`descsGone`), or holds only
 * SKIP entries; and no present leaf spte maps a gfn of the slot.
 */
export function checkSlotComplete(kvm: Kvm, slotId: number, baseGfn: number, npages: number, descsGone: boolean, when: string): void {
  for (const arr of kvm.mem.objects) {
    if (arr === undefined || arr.kind !== "rmap" || arr.tag !== slotId || arr.freed) continue;
    for (let i = 0; i < arr.words; i++) {
      const head = arr.base + i * WORD_BYTES;
      const v = readRmap(kvm, head);
      const live = v.entries.filter((e) => e !== PTE_LIST_SPTE_SKIP);
      if (live.length > 0) throw new Violation("INV-COMPLETE", `${when}: rmap ${slotId}:${arr.tag2}:${i} still names spte ${refOfSptep(kvm, live[0]!)}`);
      if (descsGone && v.form === "descs") throw new Violation("INV-COMPLETE", `${when}: rmap ${slotId}:${arr.tag2}:${i} still links desc 0x${v.descs[0]!.toString(16)} (leaked)`);
    }
  }
  for (const sp of liveSps(kvm)) {
    for (let i = 0; i < kvm.cfg.sptesPerPage; i++) {
      if (!isPresent(kvm.mem.peek(sp.spt + i * WORD_BYTES))) continue;
      const gfn = sp.gfn + i * pagesAt(geometryOf(kvm), sp.level);
      if (gfn >= baseGfn && gfn < baseGfn + npages) {
        throw new Violation("INV-COMPLETE", `${when}: spte sp${sp.id}:${i} still maps gfn 0x${gfn.toString(16)} of slot ${slotId}`);
      }
    }
  }
}


/**
 * INV-NO-LEAK at quiescence: every rmap head array, desc, memslot, memslots
 * array and shadow page still allocated is reachable: from the installed
 * memslots, or (pages) from active_mmu_pages or 3.11's zapped_obsolete_pages.
 */
export function checkNoLeak(kvm: Kvm, installed: readonly { id: number; addr: number; heads: number[][] }[]): void {
  const ids = new Set(installed.map((s) => s.id));
  const slots = new Set(installed.map((s) => s.addr));
  const descs = new Set<number>();
  // An empty head links no desc: only the others are read.
  for (const s of installed) for (const heads of s.heads) for (const h of heads) if (kvm.mem.peek(h) !== 0) for (const d of readRmap(kvm, h).descs) descs.add(d);
  const memslots = kvm.mem.peek(kvm.field(KVM.memslots));
  const pages = new Set([...kvm.active_mmu_pages, ...kvm.zapped_obsolete_pages]);
  for (const o of kvm.mem.objects) {
    if (o === undefined || o.freed) continue;
    const leak =
      (o.kind === "rmap" && !ids.has(o.tag)) ||
      (o.kind === "pte_list_desc" && !descs.has(o.base)) ||
      (o.kind === "memslot" && !slots.has(o.base)) ||
      (o.kind === "memslots" && o.base !== memslots) ||
      (o.kind === "mmu_page" && !pages.has(o.base));
    if (leak) throw new Violation("INV-NO-LEAK", `${o.kind} at 0x${o.base.toString(16)} is still allocated but nothing reaches it`);
  }
}
