/**
 * The full mode of the step checker (`full: true`): after every step, every
 * installed rmap's structure (valid rmaps only while nobody holds mmu_lock),
 * and every cell of every remove-only rmap against its value at the previous
 * step. Tests run it beside the incremental rules to show those miss nothing.
 */
import type { Kvm } from "../../../../impl/kvm";
import { PTE_LIST_SPTE_SKIP } from "../../../../model/encoding";
import type { Machine } from "../../../../runtime/machine";
import { WORD_BYTES } from "../../../../runtime/memory";
import { Violation } from "../../../violation";
import { checkRmap, headName } from "../rmap_checks";
import { readRmap } from "../rmap_view";
import type { SlotTracker } from "../slot_tracker";

const hex = (v: number): string => `0x${(v >>> 0).toString(16)}`;

export class FullCheck {
  private snapshot = new Map<number, number>();

  constructor(private readonly kvm: Kvm, private readonly slots: SlotTracker, private readonly count: () => void) {}

  afterStep(m: Machine): void {
    const next = new Map<number, number>();
    for (const slot of this.slots.installed()) {
      const removeOnly = this.slots.removeOnly(slot.id);
      for (const heads of slot.heads) {
        for (const head of heads) {
          this.count();
          if (removeOnly || m.holder() === null) checkRmap(this.kvm, head, slot.baseGfn, this.slots.isInvalid(slot.id));
          if (removeOnly) this.compareCells(head, next);
        }
      }
    }
    this.snapshot = next;
  }

  /** Every cell of a remove-only rmap may only go spte -> SKIP since the last step. */
  private compareCells(head: number, next: Map<number, number>): void {
    const v = readRmap(this.kvm, head);
    const words = this.kvm.cfg.PTE_LIST_EXT + 1;
    const cells = [head, ...v.descs.flatMap((d) => Array.from({ length: words }, (_, i) => d + i * WORD_BYTES))];
    for (const c of cells) {
      const now = this.kvm.mem.peek(c);
      next.set(c, now);
      const before = this.snapshot.get(c);
      if (before === undefined || before === now) continue;
      if (before === PTE_LIST_SPTE_SKIP) throw new Violation("INV-MONO", `full check: SKIP at ${hex(c)} in rmap ${headName(this.kvm, head)} was overwritten`);
      if (now !== PTE_LIST_SPTE_SKIP || before === 0 || (c === head && before & 1)) {
        throw new Violation("INV-NO-MOVE", `full check: cell ${hex(c)} of invalid rmap ${headName(this.kvm, head)} went ${hex(before)} -> ${hex(now)}`);
      }
    }
  }
}
