/**
 * One sequential command, run on the implementation and on the model side by
 * side, then compared: return values, every structural invariant, the
 * abstraction of the implementation against the model, the bijection
 * (INV-COMPLETE), that no WARN_ON fired (INV-RO), that no lock is held, that
 * nothing leaked, and that the model itself stays well typed.
 */
import { diffStates } from "../../../model/diff";
import { modelBijection } from "../../../model/invariants";
import type { OpDesc } from "../../../model/operations";
import { type Layout, pteListAddCount } from "../../../model/pte_list_add_count";
import { next, typeOK } from "../../../model/spec";
import type { ModelState } from "../../../model/state";
import type { Machine, Observer } from "../../../runtime/machine";
import type { Step } from "../../../runtime/step";
import type { Thread } from "../../../runtime/thread";
import { implOp, opText } from "../operations";
import { asViolation, Violation } from "../../violation";
import type { SeqStats } from "../../subject";
import type { World } from "../world";
import { abstraction, layoutOf } from "./abstraction";
import { GhostTlb } from "./ghost_tlb";
import { installedSlots } from "./impl_state";
import { checkNoLeak } from "./rmap_checks";

/** Records the layout of each list pte_list_add is about to add to (its "before the add"): at its load of the head. */
class AddLayouts implements Observer {
  readonly layouts: Layout[] = [];
  constructor(private readonly w: World) {}
  beforeStep(m: Machine, t: Thread, s: Step): void {
    if (s.fn === "pte_list_add" && s.op === "load" && s.kind === "rmap") this.layouts.push(layoutOf(this.w.kvm, s.addr));
  }
  afterStep(): void {}
  opStart(): void {}
  opEnd(): void {}
}

/**
 * Structural and model-level checks of a quiescent implementation against a
 * model state. Counted in `stats`: each rmap head's structure and duplicates,
 * then bijection, refinement, INV-RO, INV-LOCK and the model's TypeOK once each.
 */
export function checkQuiescent(w: World, model: ModelState, context: string, stats?: SeqStats): void {
  const abs = abstraction(w);
  if (stats) stats.invariantChecks += 2 * abs.heads + 6;
  if (abs.errors.length > 0) {
    const f = abs.errors[0]!;
    throw new Violation(f.invariant, `${f.detail} (after ${context})`);
  }
  const bad = typeOK(model);
  if (bad.length > 0) throw new Error(`the model is not well typed after ${context}: ${bad[0]}`);
  const bij = modelBijection(abs.s);
  if (bij.length > 0) throw new Violation("INV-COMPLETE", `${bij[0]} (after ${context})`, bij);
  const diff = diffStates(model, abs.s);
  if (diff.length > 0) throw new Violation("INV-REFINE", `implementation and model differ after ${context}`, diff);
  if (w.machine.warnings.length > 0) throw new Violation("INV-RO", `WARN_ON fired: ${w.machine.warnings[0]}`);
  const held = w.machine.heldLocks();
  if (held.length > 0) throw new Violation("INV-LOCK", `mmu_lock still held by ${held[0]![1].name} after ${context}`);
  if (!w.pendingDeletes.size) checkNoLeak(w.kvm, installedSlots(w.kvm));
}

/** Each world's ghost TLB (INV-TLB), kept across its commands. */
const tlbs = new WeakMap<World, GhostTlb>();

/** The most atomic steps one sequential command may take (far above any operation's; a livelock otherwise). */
export const COMMAND_BUDGET = 20_000;

/**
 * Run `op` on both sides from `model`; returns the model's next state. Throws
 * a Violation on any disagreement; `failure.duringStep` then says whether it
 * was raised by an atomic step (the last one made) or by the checks after the
 * command.
 */
export function runCommand(w: World, t: Thread, model: ModelState, op: OpDesc, stats?: SeqStats, failure?: { duringStep: boolean }): ModelState {
  const mo = next(w.params, model, op);
  const adds = new AddLayouts(w);
  let tlb = tlbs.get(w);
  if (!tlb) tlbs.set(w, (tlb = new GhostTlb(w.kvm)));
  w.machine.observers.push(adds, tlb);
  let ret: number;
  const before = w.machine.stepIndex;
  try {
    ret = w.machine.runSolo(t, implOp(w, op), COMMAND_BUDGET);
  } catch (e) {
    if (failure) failure.duringStep = true;
    throw asViolation(e);
  } finally {
    w.machine.observers.splice(-2, 2);
    if (stats) {
      stats.commands++;
      stats.steps += w.machine.stepIndex - before;
      stats.invariantChecks++; // the return value
    }
  }
  const layout = op.kind === "page_fault" && mo.added ? adds.layouts[0] : undefined;
  if (op.kind === "page_fault" && mo.added && adds.layouts.length !== 1) {
    throw new Violation("INV-REFINE", `${opText(op)}: the model adds one rmap entry, the implementation called pte_list_add ${adds.layouts.length} times`);
  }
  if (layout !== undefined) {
    const expected = pteListAddCount(layout, w.kvm.cfg.PTE_LIST_EXT);
    if (ret !== expected || ret > mo.sizeBefore!) {
      throw new Violation("INV-REFINE", `${opText(op)} returned ${ret}; pte_list_add's count for layout ${JSON.stringify(layout)} is ${expected}`);
    }
  } else if (ret !== mo.ret) {
    throw new Violation("INV-REFINE", `${opText(op)} returned ${ret}, the model says ${mo.ret}`);
  }
  tlb.endOperation(t, () => opText(op));
  checkQuiescent(w, mo.s, opText(op), stats);
  return mo.s;
}
