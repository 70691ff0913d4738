/**
 * Rules for a write to an rmap cell (a head, a desc entry, a desc's `more`),
 * checked at the step that writes it:
 *   - SKIP is written only into rmaps of invalid slots (INV-SKIP-ONLY-INVALID);
 *   - a remove-only rmap (invalid, installed slot) changes only entry:
 *     spte -> SKIP (INV-NO-MOVE, INV-MONO), and only once the spte is not
 *     present (INV-WINNER); its structure is checked at once;
 *   - a valid rmap changes only under mmu_lock (INV-LOCK); its structure is
 *     the lock's monitor invariant, checked when mmu_lock is released.
 */
import type { Kvm } from "../../../../impl/kvm";
import { isPresent, PTE_LIST_SPTE_SKIP } from "../../../../model/encoding";
import type { Machine } from "../../../../runtime/machine";
import type { Step } from "../../../../runtime/step";
import type { Thread } from "../../../../runtime/thread";
import { Violation } from "../../../violation";
import { checkRmap, headName } from "../rmap_checks";
import type { SlotTracker } from "../slot_tracker";

export type RmapCell = "head" | "entry" | "more";

const hex = (v: number): string => `0x${(v >>> 0).toString(16)}`;

export class RmapWriteRules {
  /** Valid rmap heads written in the current mmu_lock critical section. */
  private readonly dirty = new Set<number>();

  constructor(private readonly kvm: Kvm, private readonly slots: SlotTracker, private readonly count: () => void) {}

  onWrite(m: Machine, t: Thread, s: Step, head: number, slotId: number, cell: RmapCell, old: number, now: number): void {
    this.count();
    if (now === PTE_LIST_SPTE_SKIP && old !== PTE_LIST_SPTE_SKIP && !this.slots.isInvalid(slotId)) {
      throw new Violation("INV-SKIP-ONLY-INVALID", `${t.name} writes PTE_LIST_SPTE_SKIP into rmap ${headName(this.kvm, head)} of valid slot ${slotId} ("${s.label}")`);
    }
    if (this.slots.removeOnly(slotId)) {
      this.removeOnlyWrite(t, s, head, cell, old, now);
      this.count();
      checkRmap(this.kvm, head, this.slots.slotGeometry(slotId).baseGfn, true);
      return;
    }
    if (this.slots.isInstalled(slotId)) {
      if (m.holder() !== t) throw new Violation("INV-LOCK", `${t.name} changes rmap ${headName(this.kvm, head)} of valid slot ${slotId} without mmu_lock ("${s.label}")`);
      this.dirty.add(head);
    }
  }

  /** INV-NO-MOVE, INV-MONO, INV-WINNER for one write to a remove-only rmap. */
  private removeOnlyWrite(t: Thread, s: Step, head: number, cell: RmapCell, old: number, now: number): void {
    const where = `rmap ${headName(this.kvm, head)} ("${s.label}" by ${t.name})`;
    if (old === now) return;
    if (cell === "more") throw new Violation("INV-NO-MOVE", `a desc's more link changes in invalid ${where}`);
    if (cell === "head" && (old & 1 || old === 0)) throw new Violation("INV-NO-MOVE", `the head of invalid ${where} changes from ${hex(old)} to ${hex(now)}`);
    if (old === PTE_LIST_SPTE_SKIP) throw new Violation("INV-MONO", `a SKIP entry is overwritten in invalid ${where}`);
    if (old === 0) throw new Violation("INV-NO-MOVE", `an entry is added to invalid ${where}`);
    if (now !== PTE_LIST_SPTE_SKIP) throw new Violation("INV-NO-MOVE", `an entry moves or changes in invalid ${where}`);
    if (isPresent(this.kvm.mem.peek(old))) throw new Violation("INV-WINNER", `an entry is reset to SKIP while its spte is still present in ${where}`);
  }

  /** The monitor invariant of mmu_lock: every valid rmap changed in the critical section is well formed. */
  onUnlock(): void {
    for (const head of this.dirty) {
      this.count();
      const obj = this.kvm.mem.objectAt(head);
      if (obj === undefined || obj.freed) continue;
      checkRmap(this.kvm, head, this.slots.slotGeometry(obj.tag).baseGfn, this.slots.isInvalid(obj.tag));
    }
    this.dirty.clear();
  }
}
