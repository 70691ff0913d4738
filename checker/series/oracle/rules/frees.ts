/**
 * Rules for a free, checked at the step that frees:
 *   - a desc of a remove-only rmap is never freed (INV-NO-FREE); a desc of an
 *     invalid slot only once the slot is uninstalled, a grace period has
 *     passed and no unmapper is inside it (INV-DESC-LIVE), and only when every
 *     entry of the slot is SKIP (INV-COMPLETE); a desc of a valid slot only
 *     under mmu_lock (INV-LOCK);
 *   - a slot's rmap arrays only when the slot is empty (INV-COMPLETE);
 *   - a shadow page only under mmu_lock, and only when no rmap entry names
 *     one of its sptes (INV-SP-LIVE).
 * The rules that say how a design keeps freed memory unreachable, rather than
 * that it does, apply only to the designs that declare them (Design.discipline,
 * impl/designs.ts): "under mmu_lock" (frees-under-mmu_lock) and "no unmapper
 * is inside it" (being_unmapped_rmap-handshake). The rest hold for every design.
 */
import type { Discipline } from "../../../../impl/designs";
import { KVM, type Kvm } from "../../../../impl/kvm";
import type { Machine } from "../../../../runtime/machine";
import type { Step } from "../../../../runtime/step";
import type { Thread } from "../../../../runtime/thread";
import { Violation } from "../../../violation";
import type { EntryIndex } from "../entry_index";
import { checkSlotComplete, headName } from "../rmap_checks";
import type { SlotTracker } from "../slot_tracker";

export class FreeRules {
  /** (slot, descs gone, uninstall step) keys already checked for INV-COMPLETE. */
  private readonly completeChecked = new Set<string>();

  private readonly underLock: boolean;
  private readonly handshake: boolean;

  constructor(private readonly kvm: Kvm, private readonly slots: SlotTracker, private readonly entries: EntryIndex, private readonly count: () => void, discipline: readonly Discipline[]) {
    this.underLock = discipline.includes("frees-under-mmu_lock");
    this.handshake = discipline.includes("being_unmapped_rmap-handshake");
  }

  onFree(m: Machine, t: Thread, s: Step): void {
    const obj = this.kvm.mem.objectAt(s.addr)!;
    this.count();
    if (obj.kind === "pte_list_desc" || obj.kind === "rmap") this.entries.dropObject(obj.base, obj.words);
    switch (obj.kind) {
      case "pte_list_desc": {
        const head = this.slots.rmapOfDesc(obj.base);
        if (head === undefined) return;
        const slotId = this.kvm.mem.objectAt(head)!.tag;
        const desc = `desc 0x${obj.base.toString(16)}`;
        if (this.slots.removeOnly(slotId)) throw new Violation("INV-NO-FREE", `${t.name} frees ${desc} of rmap ${headName(this.kvm, head)} while slot ${slotId} is invalid and installed ("${s.label}")`);
        if (this.slots.isInvalid(slotId)) {
          this.descLive(m, t, slotId, s.label);
          this.slotComplete(slotId, false, `before descs of slot ${slotId} are freed`);
        } else if (this.underLock && this.slots.isInstalled(slotId) && m.holder() !== t) {
          throw new Violation("INV-LOCK", `${t.name} frees ${desc} of valid slot ${slotId} without mmu_lock`);
        }
        return;
      }
      case "rmap":
        this.slotComplete(obj.tag, true, `when kvm_arch_free_memslot frees slot ${obj.tag}'s rmaps`);
        return;
      case "spt":
        if (this.underLock && m.holder() !== t) throw new Violation("INV-LOCK", `${t.name} frees shadow page sp${obj.tag} without mmu_lock`);
        this.entries.checkNoEntryInto(obj.base, obj.words, obj.tag);
        return;
      default:
        return;
    }
  }

  /** INV-DESC-LIVE: the slot is uninstalled, a grace period has passed, and (handshake) no unmapper is inside it. */
  private descLive(m: Machine, t: Thread, slotId: number, label: string): void {
    const at = this.slots.uninstalledAt(slotId);
    if (at === undefined) throw new Violation("INV-DESC-LIVE", `${t.name} frees descs of slot ${slotId} while it is still installed ("${label}")`);
    for (const [r, since] of m.srcuReaders) {
      if (since < at && r !== t) throw new Violation("INV-DESC-LIVE", `${t.name} frees descs of slot ${slotId} while ${r.name} is in an SRCU read section that began before the slot was uninstalled`);
    }
    if (!this.handshake) return;
    const busy = this.kvm.mem.peek(this.kvm.field(KVM.being_unmapped_rmap));
    const busyObj = busy ? this.kvm.mem.objectAt(busy) : undefined;
    if (busyObj !== undefined && busyObj.kind === "rmap" && busyObj.tag === slotId) {
      throw new Violation("INV-DESC-LIVE", `${t.name} frees descs of slot ${slotId} while an unmapper is inside rmap ${headName(this.kvm, busy)}`);
    }
  }

  private slotComplete(slotId: number, descsGone: boolean, when: string): void {
    const key = `${slotId}:${descsGone}:${this.slots.uninstalledAt(slotId) ?? "installed"}`;
    if (this.completeChecked.has(key)) return;
    this.completeChecked.add(key);
    const g = this.slots.slotGeometry(slotId);
    checkSlotComplete(this.kvm, slotId, g.baseGfn, g.npages, descsGone, when);
  }
}
