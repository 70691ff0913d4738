/**
 * What an MMU-notifier call over a host-virtual range (kvm_unmap_hva_range,
 * kvm_age_hva, kvm_test_age_hva; model/actions/notifier.ts) must have done
 * and may return, whatever ran beside it. Stated over the ghost model of
 * spte_refinement.ts (each present leaf spte, its value, the rmap it went
 * into) and the installed slots as the model sees them; never over the
 * implementation's walk. A call "begins" at its opStart (at the end of its
 * thread's previous operation, or with the run): anything that happens
 * between that and its first step is treated like a concurrent step.
 *
 *   INV-UNMAP  when the call returns, every spte it must drop is gone: a spte
 *              present when the call began, on an rmap of its range (through
 *              the slots installed then) that the call drops (every rmap for
 *              kvm_unmap_hva_range and for kvm_age_hva without A/D bits; an
 *              invalid slot's rmap for every handler), unless another thread
 *              made that spte present again during the call (a fault after
 *              the walk passed it) or the slot of its rmap changed during the
 *              call (installed, uninstalled, switched to invalid_rmap_ops: the
 *              walk may then have seen other memslots).
 *   INV-AGE    (A/D bits) kvm_age_hva / kvm_test_age_hva return 0 only if no
 *              spte that, when the call began, was present and accessed on a
 *              valid rmap of its range stayed unwritten by other threads for
 *              the whole call; return 1 only if some spte of a valid rmap of
 *              the range was present and accessed at some moment of the call
 *              (any slot change during the call allows it); kvm_age_hva leaves
 *              every such accessed spte, unwritten by others, not accessed
 *              (or gone). Without A/D bits kvm_test_age_hva returns 0.
 *
 * A call that took no step is not judged: it ran no kernel code (checker/cost's
 * looping threads end on a stub operation that returns 0 at once).
 *
 * Each clause only exempts what another thread could have changed, so a call
 * that runs alone must do exactly what the model's action does; and each is
 * true of the model's action taken at any moment of the call, so no correct
 * interleaving breaks it.
 */
import type { OpDesc } from "../../../model/operations";
import { notifierRmaps } from "../../../model/spte_rules";
import type { Geometry, Slot, Spte } from "../../../model/state";
import type { Thread } from "../../../runtime/thread";
import { opText } from "../operations";
import { Violation } from "../../violation";

type NotifierOp = Extract<OpDesc, { kind: "unmap_hva_range" | "age_hva" | "test_age_hva" }>;

/** A present leaf spte of the ghost model. */
export interface GhostSpte {
  readonly addr: number;
  readonly value: Spte;
  /** The rmap it went into: `${slot}:${level}:${index}`. */
  readonly key: string;
}

interface Call {
  readonly op: NotifierOp;
  /** The installed slots when the call began, by id (their model, as text). */
  readonly slots: Map<number, string>;
  /** The rmaps of the range then: key -> invalid. */
  readonly keys: Map<string, boolean>;
  /** INV-UNMAP: address -> rmap key of each spte the call must drop. */
  readonly mustDrop: Map<number, string>;
  /** INV-AGE: address -> rmap key of each accessed spte of a valid rmap of the range, unwritten by others. */
  readonly untouchedYoung: Map<number, string>;
  /** INV-AGE: some spte of a valid rmap of the range was present and accessed during the call. */
  everYoung: boolean;
  /** The thread's step count when the call began (Thread.steps). */
  readonly steps: number;
}

export function isNotifierOp(op: OpDesc | undefined): op is NotifierOp {
  return op?.kind === "unmap_hva_range" || op?.kind === "age_hva" || op?.kind === "test_age_hva";
}

const slotText = (s: Slot): string => `${s.baseGfn}:${s.npages}:${s.userspaceAddr}:${s.rmaps}`;
const slotOfKey = (key: string): number => Number(key.slice(0, key.indexOf(":")));

export class NotifierCalls {
  private readonly calls = new Map<Thread, Call>();

  constructor(private readonly geo: Geometry, private readonly count: () => void) {}

  /** Is some notifier call under way? When not, a step has nothing to tell this class (the checker skips the hooks). */
  get busy(): boolean {
    return this.calls.size > 0;
  }

  /** Does the call drop the sptes of an rmap (invalid: of a slot switched to invalid_rmap_ops)? */
  private drops(op: NotifierOp, invalid: boolean): boolean {
    return invalid || op.kind === "unmap_hva_range" || (op.kind === "age_hva" && !this.geo.adBits);
  }

  opStart(t: Thread, op: OpDesc, slots: readonly Slot[], ghost: Iterable<GhostSpte>): void {
    if (!isNotifierOp(op)) return;
    const [start, end] = op.kind === "unmap_hva_range" ? [op.start, op.end] : [op.hva, op.hva + 1];
    const keys = new Map(notifierRmaps(this.geo, slots, start, end).map((v) => [v.key, v.invalid]));
    const c: Call = { op, slots: new Map(slots.map((s) => [s.id, slotText(s)])), keys, mustDrop: new Map(), untouchedYoung: new Map(), everYoung: false, steps: t.steps };
    for (const g of ghost) {
      const invalid = keys.get(g.key);
      if (invalid === undefined) continue;
      if (this.drops(op, invalid)) c.mustDrop.set(g.addr, g.key);
      else if (g.value.accessed) {
        c.untouchedYoung.set(g.addr, g.key);
        c.everYoung = true;
      }
    }
    this.calls.set(t, c);
  }

  /** Thread t changed the spte at addr; `now` is the ghost model's spte there after the change. */
  onSpteWrite(t: Thread, addr: number, wasPresent: boolean, now: GhostSpte | undefined): void {
    for (const [ct, c] of this.calls) {
      if (now?.value.accessed && c.keys.get(now.key) === false) c.everYoung = true;
      if (ct === t) continue;
      c.untouchedYoung.delete(addr);
      if (!wasPresent && now !== undefined) c.mustDrop.delete(addr);
    }
  }

  /** The installed slots changed: a call exempts the sptes of every slot that is not as it was when it began. */
  onSlotsChanged(slots: readonly Slot[]): void {
    const now = new Map(slots.map((s) => [s.id, slotText(s)]));
    for (const c of this.calls.values()) {
      const changed = new Set([...c.slots.keys(), ...now.keys()].filter((id) => c.slots.get(id) !== now.get(id)));
      if (changed.size === 0) continue;
      c.everYoung = true;
      for (const set of [c.mustDrop, c.untouchedYoung]) for (const [addr, key] of set) if (changed.has(slotOfKey(key))) set.delete(addr);
    }
  }

  /** The call of t returned `result`; `at(addr)` is the ghost model's spte there now. */
  opEnd(t: Thread, op: OpDesc, result: unknown, at: (addr: number) => GhostSpte | undefined): void {
    const c = this.calls.get(t);
    if (c === undefined) return;
    this.calls.delete(t);
    // A call that took no step ran no kernel code (the cost model's looping threads end on a stub that returns 0).
    if (t.steps === c.steps) return;
    this.count();
    const what = `${t.name}: ${opText(op)}`;
    for (const [addr, key] of c.mustDrop) {
      if (at(addr) === undefined) continue;
      throw new Violation("INV-UNMAP", `${what} returned with spte 0x${addr.toString(16)} still present: it was on rmap ${key} of its range when the call began, and no other thread made it present again`);
    }
    if (c.op.kind === "unmap_hva_range" || (c.op.kind === "age_hva" && !this.geo.adBits)) return;
    const young = result !== 0;
    if (!this.geo.adBits) {
      if (young) throw new Violation("INV-AGE", `${what} returned ${String(result)} without A/D bits: the model returns 0`);
      return;
    }
    if (!young && c.untouchedYoung.size > 0) {
      const [addr, key] = [...c.untouchedYoung][0]!;
      throw new Violation("INV-AGE", `${what} returned 0, but spte 0x${addr.toString(16)} on rmap ${key} of its range was accessed when the call began and no other thread wrote it during the call`);
    }
    if (young && !c.everYoung) throw new Violation("INV-AGE", `${what} returned ${String(result)}, but no spte of a valid rmap of its range was accessed at any moment of the call`);
    if (c.op.kind !== "age_hva") return;
    for (const [addr, key] of c.untouchedYoung) {
      if (at(addr)?.value.accessed !== true) continue;
      throw new Violation("INV-AGE", `${what} returned with spte 0x${addr.toString(16)} on rmap ${key} still accessed: it was accessed when the call began and no other thread wrote it since`);
    }
  }
}
