/**
 * What the step checker knows about slots while threads run: which slots are
 * installed (re-read when kvm->memslots or a slot's ops pointer is written),
 * which have been switched to invalid_rmap_ops, each slot's geometry, when a
 * slot left the installed memslots, and which rmap each linked desc hangs off.
 */
import { KVM, type Kvm, RMAP_OPS_INVALID } from "../../../impl/kvm";
import { DESC_TAG, PTE_LIST_SPTE_SKIP } from "../../../model/encoding";
import type { Slot } from "../../../model/state";
import { installedSlots, type SlotInfo } from "./impl_state";
import { allLiveHeads } from "./rmap_checks";

export class SlotTracker {
  /** desc address -> the rmap head it hangs off. */
  private readonly descRmap = new Map<number, number>();
  /** Slot ids whose installed copy points at invalid_rmap_ops. */
  private readonly invalidIds = new Set<number>();
  /** Slot geometry by id, remembered from when it was installed. */
  private readonly geometry = new Map<number, SlotInfo>();
  private installedList: SlotInfo[] = [];
  private installedIds = new Set<number>();
  private models: Slot[] = [];
  /** Step index at which a slot id left the installed memslots. */
  private readonly uninstalledStep = new Map<number, number>();

  constructor(private readonly kvm: Kvm, stepIndex: number) {
    this.refresh(stepIndex);
    for (const head of allLiveHeads(kvm)) this.noteLink(head, kvm.mem.peek(head));
  }

  /**
   * Re-read the installed memslots after the step with index `stepIndex - 1`
   * wrote kvm->memslots or a slot's ops pointer.
   */
  refresh(stepIndex: number): void {
    const before = this.installedIds;
    this.installedList = installedSlots(this.kvm);
    this.installedIds = new Set(this.installedList.map((s) => s.id));
    // A slot id installed anew (re-created after a delete) starts with valid rmaps.
    for (const s of this.installedList) if (!before.has(s.id) && !s.invalid) this.invalidIds.delete(s.id);
    for (const s of this.installedList) this.geometry.set(s.id, s);
    for (const id of before) if (!this.installedIds.has(id)) this.uninstalledStep.set(id, stepIndex - 1);
    for (const id of this.installedIds) this.uninstalledStep.delete(id);
    this.models = this.installedList.map((s) => ({ id: s.id, baseGfn: s.baseGfn, npages: s.npages, userspaceAddr: s.userspaceAddr, rmaps: s.invalid || this.invalidIds.has(s.id) ? "invalid" : "valid" }));
  }

  /** A slot's ops pointer was written with `ops`. */
  opsWritten(slotId: number, ops: number, stepIndex: number): void {
    if (ops === RMAP_OPS_INVALID) this.invalidIds.add(slotId);
    this.refresh(stepIndex);
  }

  /** A head or `more` cell now holds `v`: remember which rmap the desc it points at belongs to. */
  noteLink(head: number, v: number): void {
    if (v & DESC_TAG && v !== PTE_LIST_SPTE_SKIP) this.descRmap.set(v - DESC_TAG, head);
  }

  /** A `more` cell of a desc of rmap `head` now holds `desc`. */
  noteMore(head: number, desc: number): void {
    if (desc !== 0) this.descRmap.set(desc, head);
  }

  /** The head a linked desc hangs off (undefined: not linked yet, nobody else can see it). */
  rmapOfDesc(desc: number): number | undefined {
    return this.descRmap.get(desc);
  }

  isInstalled(slotId: number): boolean {
    return this.installedIds.has(slotId);
  }

  isInstalledSlot(addr: number): boolean {
    return this.installedList.some((i) => i.addr === addr);
  }

  /** Has the slot been switched to invalid_rmap_ops (installed or not)? */
  isInvalid(slotId: number): boolean {
    return this.invalidIds.has(slotId);
  }

  /** Invalid and installed: its rmaps are remove-only (INV-NO-MOVE, INV-NO-FREE). */
  removeOnly(slotId: number): boolean {
    return this.invalidIds.has(slotId) && this.installedIds.has(slotId);
  }

  slotGeometry(slotId: number): SlotInfo {
    return this.geometry.get(slotId)!;
  }

  /** The step that uninstalled the slot, or undefined while it is installed. */
  uninstalledAt(slotId: number): number | undefined {
    return this.uninstalledStep.get(slotId);
  }

  installed(): readonly SlotInfo[] {
    return this.installedList;
  }

  /** The installed slots as the model sees them. */
  slotModels(): readonly Slot[] {
    return this.models;
  }

  /** The address of kvm->memslots (a write there changes what is installed). */
  memslotsField(): number {
    return this.kvm.field(KVM.memslots);
  }
}
