/**
 * The invariants of model/invariants.ts, checked while threads interleave.
 *
 * Incremental (the default): after every atomic step, the invariants that the
 * step can affect, over what it touched (docs/architecture.md, "Checking every step"):
 *   - a write to an rmap cell: rules/rmap_writes.ts;
 *   - a write to a spte: the model's spte rule (INV-REFINE, INV-AD, INV-RO,
 *     INV-OBSOLETE), see spte_refinement.ts;
 *   - a write to a slot's ops pointer: by the mmu_lock holder (INV-LOCK);
 *   - an allocation of a shadow page: by the mmu_lock holder (INV-LOCK);
 *   - a free: rules/frees.ts;
 *   - the release of mmu_lock and the end of an operation: nothing the
 *     thread narrowed is left in a vCPU's ghost TLB (INV-TLB, ghost_tlb.ts);
 *   - the end of an MMU-notifier call over a range: it dropped what it had to, and
 *     an aging call's result is one the model allows (INV-UNMAP, INV-AGE,
 *     notifier_calls.ts);
 *   - the end of an operation: under 3.11, no page older than a generation it
 *     installed is left unzapped (INV-GEN-ZAPPED); what it cleared reached the host page
 *     (INV-AD); a fast_page_fault returns the model's value at its
 *     linearization point, the cmpxchg (1 iff the cmpxchg won) (INV-REFINE);
 *   - a WARN_ON: INV-RO.
 * Full (`full: true`): additionally rules/full_check.ts after every step.
 * At quiescence: rules/quiescence.ts.
 */
import { MEMSLOT } from "../../../impl/kvm";
import type { OpDesc } from "../../../model/operations";
import type { Machine, Observer } from "../../../runtime/machine";
import { WORD_BYTES } from "../../../runtime/memory";
import { type Step, writesWord } from "../../../runtime/step";
import type { Operation, Thread } from "../../../runtime/thread";
import { opText } from "../operations";
import { Violation } from "../../violation";
import type { World } from "../world";
import { GhostTlb } from "./ghost_tlb";
import { EntryIndex } from "./entry_index";
import { FreeRules } from "./rules/frees";
import { GenerationRules } from "./rules/generation";
import { isNotifierOp, NotifierCalls } from "./notifier_calls";
import { FullCheck } from "./rules/full_check";
import { geometryOf } from "./impl_state";
import { checkQuiescence } from "./rules/quiescence";
import { RmapWriteRules } from "./rules/rmap_writes";
import { SlotTracker } from "./slot_tracker";
import { SpteRefinement } from "./spte_refinement";

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
  private readonly count = (): void => {
    this.checks++;
  };
  private readonly slots: SlotTracker;
  private readonly refinement: SpteRefinement;
  private readonly tlb: GhostTlb;
  private readonly rmapWrites: RmapWriteRules;
  private readonly frees: FreeRules;
  private readonly entries: EntryIndex;
  private readonly generation: GenerationRules;
  private readonly full: FullCheck | null;
  private readonly notifier: NotifierCalls;
  /** fast_page_fault threads whose cmpxchg on the spte won, in the current operation. */
  private readonly fastPfWon = new Set<Thread>();

  constructor(private readonly w: World, opts: CheckerOptions = {}) {
    const kvm = w.kvm;
    this.slots = new SlotTracker(kvm, w.machine.stepIndex);
    this.refinement = new SpteRefinement(kvm, w.variant.flush);
    this.tlb = new GhostTlb(kvm);
    this.rmapWrites = new RmapWriteRules(kvm, this.slots, this.count);
    this.entries = new EntryIndex(kvm, this.slots);
    this.frees = new FreeRules(kvm, this.slots, this.entries, this.count, w.variant.kernelDesign.discipline);
    this.generation = new GenerationRules(kvm, w.variant.flush === "zap-obsolete", this.count);
    this.full = opts.full ? new FullCheck(kvm, this.slots, this.count) : null;
    this.notifier = new NotifierCalls(geometryOf(kvm), this.count);
  }

  private opOf(t: Thread): OpDesc {
    return (t.currentOp as TraceOperation).desc;
  }

  opStart(m: Machine, t: Thread, op: Operation): void {
    const desc = (op as TraceOperation).desc;
    if (isNotifierOp(desc)) this.notifier.opStart(t, desc, this.slots.slotModels(), this.refinement.ghost());
  }

  opEnd(m: Machine, t: Thread, op: Operation, result: unknown): void {
    this.checks++;
    const desc = (op as TraceOperation).desc;
    this.refinement.onOpEnd(t, desc);
    this.tlb.endOperation(t, () => `${t.name}: ${opText(desc)}`);
    this.generation.onOpEnd(t, () => opText(desc));
    this.notifier.opEnd(t, desc, result, (addr) => this.refinement.at(addr));
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
        // The monitor invariant of mmu_lock (lock 0): only its release checks and clears the written rmaps.
        if (s.addr === 0) this.rmapWrites.onUnlock();
        break;
      case "ghost":
        if (s.fn === "kvm_set_pfn_accessed" || s.fn === "kvm_set_pfn_dirty") this.refinement.onPropagate(t, s.val, s.fn === "kvm_set_pfn_dirty");
        break;
      case "alloc":
        if ((s.kind === "mmu_page" || s.kind === "spt") && m.holder() !== t) throw new Violation("INV-LOCK", `${t.name} allocates a shadow page without mmu_lock ("${s.label}")`);
        break;
      case "free":
        this.frees.onFree(m, t, s);
        break;
      default:
        if (s.op === "cmpxchg" && s.kind === "spt" && result === s.cmp && this.opOf(t).kind === "fast_page_fault") this.fastPfWon.add(t);
        if (writesWord(s.op) && !Number.isNaN(old)) this.onWrite(m, t, s, old);
    }
    this.full?.afterStep(m);
  }

  private onWrite(m: Machine, t: Thread, s: Step, old: number): void {
    const kvm = this.w.kvm;
    const obj = kvm.mem.objectAt(s.addr)!;
    const now = kvm.mem.peek(s.addr);
    switch (obj.kind) {
      case "spt":
        if (old !== now) {
          const busy = this.notifier.busy;
          const was = busy && this.refinement.at(s.addr) !== undefined;
          this.refinement.onSpteWrite(t, this.opOf(t), s.label, obj, s.addr, now, this.slots.slotModels(), (id) => this.slots.removeOnly(id));
          if (busy) this.notifier.onSpteWrite(t, s.addr, was, this.refinement.at(s.addr));
        }
        return;
      case "rmap":
        this.entries.set(s.addr, now);
        this.slots.noteLink(s.addr, now);
        this.rmapWrites.onWrite(m, t, s, s.addr, obj.tag, "head", old, now);
        return;
      case "pte_list_desc": {
        this.entries.set(s.addr, now);
        const head = this.slots.rmapOfDesc(obj.base);
        if (head === undefined) return; // not linked yet: nobody else can see it
        const isMore = s.addr - obj.base === kvm.cfg.PTE_LIST_EXT * WORD_BYTES;
        if (isMore) this.slots.noteMore(head, now);
        this.rmapWrites.onWrite(m, t, s, head, kvm.mem.objectAt(head)!.tag, isMore ? "more" : "entry", old, now);
        return;
      }
      case "memslot":
        if (s.addr - obj.base === MEMSLOT.ops * WORD_BYTES) {
          this.checks++;
          if (this.slots.isInstalledSlot(obj.base) && m.holder() !== t) throw new Violation("INV-LOCK", `${t.name} switches slot->arch.ops without mmu_lock`);
          this.slots.opsWritten(obj.tag, now, m.stepIndex);
          if (this.notifier.busy) this.notifier.onSlotsChanged(this.slots.slotModels());
        }
        return;
      case "kvm":
        if (s.addr === this.slots.memslotsField()) {
          this.slots.refresh(m.stepIndex);
          if (this.notifier.busy) this.notifier.onSlotsChanged(this.slots.slotModels());
        }
        this.generation.onKvmWrite(t, s.addr, now);
        return;
      default:
        return;
    }
  }

  /** Everything, when every thread is done. */
  atQuiescence(): void {
    checkQuiescence(this.w, this.refinement, this.count);
  }
}
