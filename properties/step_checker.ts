/**
 * The invariants of model/invariants.ts, checked while threads interleave.
 *
 * Incremental (the default): after every atomic step, the invariants that the
 * step can affect, over what it touched (DESIGN-NOTES §4):
 *   - a write to an rmap cell of an invalid, installed slot: only spte -> SKIP
 *     (INV-NO-MOVE, INV-MONO), and only once the spte is not present
 *     (INV-WINNER), and that rmap's structure;
 *   - a write to a valid rmap: by the mmu_lock holder (INV-LOCK), never SKIP
 *     (INV-SKIP-ONLY-INVALID); its structure is the lock's monitor invariant,
 *     checked when the lock is released;
 *   - a write to a spte: the model's spte rule (INV-REFINE, INV-AD, INV-RO,
 *     INV-OBSOLETE), see spte_refinement.ts;
 *   - a free: INV-NO-FREE, INV-DESC-LIVE, INV-SP-LIVE, INV-COMPLETE;
 *   - the end of an operation: nothing it narrowed is left in a vCPU's ghost
 *     TLB (INV-TLB, ghost_tlb.ts);
 *   - the end of a fast_page_fault: its return value is the model's at its
 *     linearization point, the cmpxchg (1 iff the cmpxchg won) (INV-REFINE);
 *   - a WARN_ON: INV-RO.
 * Full (`full: true`): additionally, after every step, every rmap's structure
 * and a snapshot comparison of every invalid rmap against the previous step.
 * Tests run both and show the incremental checker finds what the full one finds.
 */
import { KVM, type Kvm, MEMSLOT, RMAP_OPS_INVALID } from "../impl/kvm";
import { PTE_LIST_SPTE_SKIP } from "../impl/pte_list_clear_concurrently";
import type { FlushStyle } from "../model/actions/memslot";
import type { OpDesc } from "../model/operations";
import type { Slot } from "../model/state";
import type { Machine, Observer } from "../runtime/machine";
import { WORD_BYTES } from "../runtime/memory";
import { type Step, writesWord } from "../runtime/step";
import type { Operation, Thread } from "../runtime/thread";
import { Violation } from "../runtime/violation";
import { abstraction } from "./abstraction";
import { installedSlots, type SlotInfo } from "./impl_state";
import { allLiveHeads, checkNoEntryInto, checkNoLeak, checkRmap, checkSlotComplete, headSite } from "./rmap_checks";
import { readRmap } from "./rmap_view";
import { opText } from "./ops";
import { GhostTlb } from "./ghost_tlb";
import { SpteRefinement } from "./spte_refinement";
import { modelBijection } from "../model/invariants";

/** An operation of a generated trace: the catalogue entry it runs. */
export interface TraceOperation extends Operation<number> {
  readonly desc: OpDesc;
}

export interface CheckerOptions {
  full?: boolean;
}

export class StepChecker implements Observer {
  /** Invariant evaluations performed (the CLI reports them). */
  checks = 0;
  private readonly kvm: Kvm;
  private readonly refinement: SpteRefinement;
  private readonly tlb: GhostTlb;
  /** Valid rmap heads written in the current mmu_lock critical section. */
  private readonly dirty = new Set<number>();
  /** desc address -> the rmap head it hangs off. */
  private readonly descRmap = new Map<number, number>();
  /** Slot ids whose installed copy points at invalid_rmap_ops. */
  private readonly invalidIds = new Set<number>();
  /** Slot geometry by id, remembered from when it was installed. */
  private readonly geometry = new Map<number, SlotInfo>();
  private installed: SlotInfo[] = [];
  private installedIds = new Set<number>();
  private slotModels: Slot[] = [];
  /** Step index at which a slot id left the installed memslots. */
  private readonly uninstalledAt = new Map<number, number>();
  private readonly completeChecked = new Set<string>();
  private readonly full: boolean;
  private snapshot = new Map<number, number>();
  /** fast_page_fault threads whose cmpxchg on the spte won, in the current operation. */
  private readonly fastPfWon = new Set<Thread>();

  constructor(m: Machine, style: FlushStyle, opts: CheckerOptions = {}) {
    this.kvm = m.kvm;
    this.full = opts.full ?? false;
    this.refinement = new SpteRefinement(m.kvm, style);
    this.tlb = new GhostTlb(m.kvm);
    this.refreshInstalled(m);
    for (const head of allLiveHeads(m.kvm)) this.noteLinks(head, m.kvm.mem.peek(head));
  }

  // ---- bookkeeping ------------------------------------------------------

  private refreshInstalled(m: Machine): void {
    const before = this.installedIds;
    this.installed = installedSlots(this.kvm);
    this.installedIds = new Set(this.installed.map((s) => s.id));
    // A slot id installed anew (re-created after a delete) starts with valid rmaps.
    for (const s of this.installed) if (!before.has(s.id) && !s.invalid) this.invalidIds.delete(s.id);
    for (const s of this.installed) this.geometry.set(s.id, s);
    // The step that uninstalled it has index stepIndex - 1 (afterStep runs after the increment).
    for (const id of before) if (!this.installedIds.has(id)) this.uninstalledAt.set(id, m.stepIndex - 1);
    for (const id of this.installedIds) this.uninstalledAt.delete(id);
    this.slotModels = this.installed.map((s) => ({ id: s.id, baseGfn: s.baseGfn, npages: s.npages, userspaceAddr: s.userspaceAddr, rmaps: s.invalid || this.invalidIds.has(s.id) ? "invalid" : "valid" }));
  }

  /** A head or `more` cell now holds `v`: remember which rmap the desc it points at belongs to. */
  private noteLinks(head: number, v: number): void {
    if (v & 1 && v !== PTE_LIST_SPTE_SKIP) this.descRmap.set(v - 1, head);
  }

  private removeOnly(slotId: number): boolean {
    return this.invalidIds.has(slotId) && this.installedIds.has(slotId);
  }

  private opOf(t: Thread): OpDesc {
    return (t.currentOp as TraceOperation).desc;
  }

  // ---- Observer ---------------------------------------------------------

  opStart(): void {}

  opEnd(m: Machine, t: Thread, op: Operation, result: unknown): void {
    this.checks++;
    const desc = (op as TraceOperation).desc;
    this.refinement.onOpEnd(t, desc);
    this.tlb.endOperation(t, `${t.name}: ${opText(desc)}`);
    if (desc.kind === "fast_page_fault") {
      const won = this.fastPfWon.delete(t);
      if (result !== (won ? 1 : 0)) {
        throw new Violation("INV-REFINE", `${t.name}: ${opText(desc)} returned ${String(result)}, but its cmpxchg ${won ? "won" : "did not win"}: the model returns ${won ? 1 : 0}`);
      }
    }
  }

  afterStep(m: Machine, t: Thread, s: Step, result: number, old: number): void {
    this.checks++;
    this.tlb.afterStep(m, t, s, result, old);
    switch (s.op) {
      case "warn":
        throw new Violation("INV-RO", `${t.name}: ${s.label}`);
      case "spin_unlock":
        this.onUnlock();
        break;
      case "set_pfn_accessed":
      case "set_pfn_dirty":
        this.refinement.onPropagate(t, s.val, s.op === "set_pfn_dirty");
        break;
      case "alloc":
        if ((s.kind === "mmu_page" || s.kind === "spt") && m.lockOwner !== t) throw new Violation("INV-LOCK", `${t.name} allocates a shadow page without mmu_lock ("${s.label}")`);
        break;
      case "free":
        this.onFree(m, t, s);
        break;
      default:
        if (s.op === "cmpxchg" && s.kind === "spt" && result === s.cmp && this.opOf(t).kind === "fast_page_fault") this.fastPfWon.add(t);
        if (writesWord(s.op) && !Number.isNaN(old)) this.onWrite(m, t, s, old);
    }
    if (this.full) this.fullCheck(m);
  }

  // ---- writes -----------------------------------------------------------

  private onWrite(m: Machine, t: Thread, s: Step, old: number): void {
    const obj = this.kvm.mem.objectAt(s.addr)!;
    const now = this.kvm.mem.peek(s.addr);
    switch (obj.kind) {
      case "spt":
        if (old !== now) this.refinement.onSpteWrite(t, this.opOf(t), s.label, obj, s.addr, now, this.slotModels, (id) => this.removeOnly(id));
        return;
      case "rmap":
        this.noteLinks(s.addr, now);
        this.onRmapCell(m, t, s, s.addr, obj.tag, "head", old, now);
        return;
      case "pte_list_desc": {
        const head = this.descRmap.get(obj.base);
        const isMore = s.addr - obj.base === this.kvm.cfg.PTE_LIST_EXT * WORD_BYTES;
        if (head === undefined) return; // not linked yet: nobody else can see it
        if (isMore && now !== 0) this.descRmap.set(now, head);
        this.onRmapCell(m, t, s, head, this.kvm.mem.objectAt(head)!.tag, isMore ? "more" : "entry", old, now);
        return;
      }
      case "memslot":
        if (s.addr - obj.base === MEMSLOT.ops * WORD_BYTES) {
          this.checks++;
          if (this.installed.some((i) => i.addr === obj.base) && m.lockOwner !== t) throw new Violation("INV-LOCK", `${t.name} switches slot->arch.ops without mmu_lock`);
          if (now === RMAP_OPS_INVALID) this.invalidIds.add(obj.tag);
          this.refreshInstalled(m);
        }
        return;
      case "kvm":
        if (s.addr === this.kvm.field(KVM.memslots)) this.refreshInstalled(m);
        return;
      default:
        return;
    }
  }

  private onRmapCell(m: Machine, t: Thread, s: Step, head: number, slotId: number, cell: "head" | "entry" | "more", old: number, now: number): void {
    this.checks++;
    if (now === PTE_LIST_SPTE_SKIP && old !== PTE_LIST_SPTE_SKIP && !this.invalidIds.has(slotId)) {
      throw new Violation("INV-SKIP-ONLY-INVALID", `${t.name} writes PTE_LIST_SPTE_SKIP into rmap ${site(this.kvm, head)} of valid slot ${slotId} ("${s.label}")`);
    }
    if (this.removeOnly(slotId)) {
      this.checkRemoveOnlyWrite(t, s, head, cell, old, now);
      this.checks++;
      checkRmap(this.kvm, head, this.geometry.get(slotId)!.baseGfn, true);
      return;
    }
    if (this.installedIds.has(slotId)) {
      if (m.lockOwner !== t) throw new Violation("INV-LOCK", `${t.name} changes rmap ${site(this.kvm, head)} of valid slot ${slotId} without mmu_lock ("${s.label}")`);
      this.dirty.add(head);
    }
  }

  /** INV-NO-MOVE, INV-MONO, INV-WINNER for one write to a remove-only rmap. */
  private checkRemoveOnlyWrite(t: Thread, s: Step, head: number, cell: "head" | "entry" | "more", old: number, now: number): void {
    const where = `rmap ${site(this.kvm, head)} ("${s.label}" by ${t.name})`;
    if (old === now) return;
    if (cell === "more") throw new Violation("INV-NO-MOVE", `a desc's more link changes in invalid ${where}`);
    if (cell === "head" && (old & 1 || old === 0)) throw new Violation("INV-NO-MOVE", `the head of invalid ${where} changes from 0x${(old >>> 0).toString(16)} to 0x${(now >>> 0).toString(16)}`);
    if (old === PTE_LIST_SPTE_SKIP) throw new Violation("INV-MONO", `a SKIP entry is overwritten in invalid ${where}`);
    if (old === 0) throw new Violation("INV-NO-MOVE", `an entry is added to invalid ${where}`);
    if (now !== PTE_LIST_SPTE_SKIP) throw new Violation("INV-NO-MOVE", `an entry moves or changes in invalid ${where}`);
    if (this.kvm.mem.peek(old) & 1) throw new Violation("INV-WINNER", `an entry is reset to SKIP while its spte is still present in ${where}`);
  }

  /** The monitor invariant of mmu_lock: every valid rmap changed in the critical section is well formed. */
  private onUnlock(): void {
    for (const head of this.dirty) {
      this.checks++;
      const obj = this.kvm.mem.objectAt(head);
      if (obj === undefined || obj.freed) continue;
      checkRmap(this.kvm, head, this.geometry.get(obj.tag)!.baseGfn, this.invalidIds.has(obj.tag));
    }
    this.dirty.clear();
  }

  // ---- frees --------------------------------------------------------------

  private onFree(m: Machine, t: Thread, s: Step): void {
    const obj = this.kvm.mem.objectAt(s.addr)!;
    this.checks++;
    switch (obj.kind) {
      case "pte_list_desc": {
        const head = this.descRmap.get(obj.base);
        if (head === undefined) return;
        const slotId = this.kvm.mem.objectAt(head)!.tag;
        if (this.removeOnly(slotId)) throw new Violation("INV-NO-FREE", `${t.name} frees desc 0x${obj.base.toString(16)} of rmap ${site(this.kvm, head)} while slot ${slotId} is invalid and installed ("${s.label}")`);
        if (this.invalidIds.has(slotId)) {
          this.checkDescLive(m, t, slotId, s.label);
          this.slotComplete(slotId, false, `before descs of slot ${slotId} are freed`);
        } else if (this.installedIds.has(slotId) && m.lockOwner !== t) {
          throw new Violation("INV-LOCK", `${t.name} frees desc 0x${obj.base.toString(16)} of valid slot ${slotId} without mmu_lock`);
        }
        return;
      }
      case "rmap":
        this.slotComplete(obj.tag, true, `when kvm_arch_free_memslot frees slot ${obj.tag}'s rmaps`);
        return;
      case "spt":
        if (m.lockOwner !== t) throw new Violation("INV-LOCK", `${t.name} frees shadow page sp${obj.tag} without mmu_lock`);
        checkNoEntryInto(this.kvm, obj.base, obj.words, obj.tag);
        return;
      default:
        return;
    }
  }

  /** INV-DESC-LIVE: the slot is uninstalled, a grace period has passed, no unmapper is inside it. */
  private checkDescLive(m: Machine, t: Thread, slotId: number, label: string): void {
    const at = this.uninstalledAt.get(slotId);
    if (at === undefined) throw new Violation("INV-DESC-LIVE", `${t.name} frees descs of slot ${slotId} while it is still installed ("${label}")`);
    for (const [r, since] of m.srcuReaders) {
      if (since < at && r !== t) throw new Violation("INV-DESC-LIVE", `${t.name} frees descs of slot ${slotId} while ${r.name} is in an SRCU read section that began before the slot was uninstalled`);
    }
    const busy = this.kvm.mem.peek(this.kvm.field(KVM.being_unmapped_rmap));
    const busyObj = busy ? this.kvm.mem.objectAt(busy) : undefined;
    if (busyObj !== undefined && busyObj.kind === "rmap" && busyObj.tag === slotId) {
      throw new Violation("INV-DESC-LIVE", `${t.name} frees descs of slot ${slotId} while an unmapper is inside rmap ${site(this.kvm, busy)}`);
    }
  }

  private slotComplete(slotId: number, descsGone: boolean, when: string): void {
    const key = `${slotId}:${descsGone}:${this.uninstalledAt.get(slotId) ?? "installed"}`;
    if (this.completeChecked.has(key)) return;
    this.completeChecked.add(key);
    const g = this.geometry.get(slotId)!;
    checkSlotComplete(this.kvm, slotId, g.baseGfn, g.npages, descsGone, when);
  }

  // ---- full mode and quiescence --------------------------------------------

  /** Every rmap, every step: structure (valid rmaps only while nobody holds mmu_lock) and the remove-only rule by snapshot. */
  private fullCheck(m: Machine): void {
    const next = new Map<number, number>();
    for (const slot of this.installed) {
      const invalid = this.removeOnly(slot.id);
      for (const heads of slot.heads) {
        for (const head of heads) {
          this.checks++;
          if (invalid || m.lockOwner === null) checkRmap(this.kvm, head, slot.baseGfn, this.invalidIds.has(slot.id));
          if (!invalid) continue;
          const v = readRmap(this.kvm, head);
          const cells = [head, ...v.descs.flatMap((d) => Array.from({ length: this.kvm.cfg.PTE_LIST_EXT + 1 }, (_, i) => d + i * WORD_BYTES))];
          for (const c of cells) {
            const now = this.kvm.mem.peek(c);
            next.set(c, now);
            const before = this.snapshot.get(c);
            if (before === undefined || before === now) continue;
            if (before === PTE_LIST_SPTE_SKIP) throw new Violation("INV-MONO", `full check: SKIP at 0x${c.toString(16)} in rmap ${site(this.kvm, head)} was overwritten`);
            if (now !== PTE_LIST_SPTE_SKIP || before === 0 || (c === head && before & 1)) {
              throw new Violation("INV-NO-MOVE", `full check: cell 0x${c.toString(16)} of invalid rmap ${site(this.kvm, head)} went 0x${(before >>> 0).toString(16)} -> 0x${(now >>> 0).toString(16)}`);
            }
          }
        }
      }
    }
    this.snapshot = next;
  }

  /** Everything, when every thread is done. */
  atQuiescence(m: Machine): void {
    this.checks++;
    if (m.lockOwner !== null) throw new Violation("INV-LOCK", `${m.lockOwner.name} ended holding mmu_lock`);
    const abs = abstraction(m);
    if (abs.errors.length > 0) throw new Violation(abs.errors[0]!.split(":")[0]!, abs.errors[0]!);
    this.checks++;
    const bij = modelBijection(abs.s);
    if (bij.length > 0) throw new Violation("INV-COMPLETE", `at quiescence: ${bij[0]}`, bij);
    this.checks++;
    checkNoLeak(this.kvm, installedSlots(this.kvm));
    this.checks++;
    const diff = this.refinement.compare(abs.s);
    if (diff.length > 0) throw new Violation("INV-REFINE", "at quiescence the implementation's state is not the model's", diff);
  }
}

function site(kvm: Kvm, head: number): string {
  const h = headSite(kvm, head);
  return `${h.slot}:${h.level}:${h.index}`;
}

