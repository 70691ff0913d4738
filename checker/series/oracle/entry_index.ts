/**
 * Which rmap cells (head words, desc entries) hold which value, kept up to date
 * from the steps that write them and the frees that drop them, so that
 * INV-SP-LIVE at a shadow-page free looks at the cells that name the page's
 * sptes instead of reading every rmap of every slot (which made every free cost
 * O(all rmaps), and a DELETE of N pages O(N^2)).
 *
 * The answer is exactly checkNoEntryInto's (rmap_checks.ts): a cell counts when
 * it is a head, or an entry of a desc that its rmap links; when a cell holds a
 * page's spte but the tracker cannot place its desc, the full scan decides.
 */
import type { Kvm } from "../../../impl/kvm";
import { WORD_BYTES } from "../../../runtime/memory";
import { checkNoEntryInto, headSite } from "./rmap_checks";
import { readRmap, refOfSptep } from "./rmap_view";
import type { SlotTracker } from "./slot_tracker";
import { Violation } from "../../violation";

export class EntryIndex {
  /** value -> the rmap / desc cells holding it. */
  private readonly holders = new Map<number, Set<number>>();
  /** cell -> its value (0 cells are not kept). */
  private readonly cells = new Map<number, number>();

  constructor(private readonly kvm: Kvm, private readonly slots: SlotTracker) {
    for (const kind of ["rmap", "pte_list_desc"]) {
      for (const o of kvm.mem.live(kind)) for (let i = 0; i < o.words; i++) this.set(o.base + i * WORD_BYTES, kvm.mem.peek(o.base + i * WORD_BYTES));
    }
  }

  /** A step wrote `now` into an rmap or desc cell. */
  set(cell: number, now: number): void {
    const old = this.cells.get(cell);
    if (old !== undefined) this.holders.get(old)?.delete(cell);
    if (now === 0) {
      this.cells.delete(cell);
      return;
    }
    this.cells.set(cell, now);
    let h = this.holders.get(now);
    if (h === undefined) this.holders.set(now, (h = new Set()));
    h.add(cell);
  }

  /** An rmap array or a desc of `words` words at `base` was freed: its cells hold nothing any more. */
  dropObject(base: number, words: number): void {
    for (let i = 0; i < words; i++) this.set(base + i * WORD_BYTES, 0);
  }

  /** INV-SP-LIVE for the free of shadow page `spId`'s sptes [base, base + words). */
  checkNoEntryInto(base: number, words: number, spId: number): void {
    for (let i = 0; i < words; i++) {
      for (const cell of this.holders.get(base + i * WORD_BYTES) ?? []) {
        const obj = this.kvm.mem.objectAt(cell)!;
        const head = obj.kind === "rmap" ? cell : this.slots.rmapOfDesc(obj.base);
        if (head === undefined || !readRmap(this.kvm, head).cells.includes(cell)) {
          checkNoEntryInto(this.kvm, base, words, spId); // an unplaced desc: the full scan decides
          continue;
        }
        const { slot, level, index } = headSite(this.kvm, head);
        const spte = this.kvm.mem.peek(cell);
        throw new Violation("INV-SP-LIVE", `shadow page sp${spId} is freed while rmap ${slot}:${level}:${index} still names its spte ${refOfSptep(this.kvm, spte)}`);
      }
    }
  }
}
