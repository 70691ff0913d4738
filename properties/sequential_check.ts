/**
 * One sequential command, run on the implementation and on the model side by
 * side, then compared: return values, every structural invariant, the
 * abstraction of the implementation against the model, the bijection
 * (INV-COMPLETE), and that no WARN_ON fired (INV-RO).
 */
import type { Machine, Observer } from "../runtime/machine";
import { asViolation, Violation } from "../runtime/violation";
import type { Step } from "../runtime/step";
import type { Thread } from "../runtime/thread";
import { diffStates } from "../model/diff";
import { modelBijection } from "../model/invariants";
import { pteListAddCount, type Layout } from "../model/pte_list_add_count";
import type { ModelState } from "../model/state";
import { abstraction, layoutOf } from "./abstraction";
import { installedSlots } from "./impl_state";
import { GhostTlb } from "./ghost_tlb";
import { checkNoLeak } from "./rmap_checks";
import { implOp, modelOp, type OpDesc, opText } from "./ops";
import type { World } from "./world";

/** Records the layout of each list pte_list_add is about to add to (its "before the add"). */
class AddLayouts implements Observer {
  readonly layouts: Layout[] = [];
  constructor(private readonly w: World) {}
  beforeStep(m: Machine, t: Thread, s: Step): void {
    if (s.label === "pte_list_add: load *pte_list") this.layouts.push(layoutOf(this.w.kvm, s.addr));
  }
  afterStep(): void {}
  opStart(): void {}
  opEnd(): void {}
}

/** Counts of what the sequential checker did (reported by the CLI). */
export interface SeqStats {
  sequences: number;
  commands: number;
  steps: number;
  invariantChecks: number;
}

export function newSeqStats(): SeqStats {
  return { sequences: 0, commands: 0, steps: 0, invariantChecks: 0 };
}

/**
 * Structural and model-level checks of a quiescent implementation against a
 * model state. Counted in `stats`: each rmap head's structure and duplicates,
 * then bijection, refinement, INV-RO and INV-LOCK once each.
 */
export function checkQuiescent(w: World, model: ModelState, context: string, stats?: SeqStats): void {
  const abs = abstraction(w.machine);
  if (stats) stats.invariantChecks += 2 * abs.heads + 5;
  if (abs.errors.length > 0) {
    const name = abs.errors[0]!.split(":")[0]!;
    throw new Violation(name, `${abs.errors[0]} (after ${context})`);
  }
  const bij = modelBijection(abs.s);
  if (bij.length > 0) throw new Violation("INV-COMPLETE", `${bij[0]} (after ${context})`, bij);
  const diff = diffStates(model, abs.s);
  if (diff.length > 0) throw new Violation("INV-REFINE", `implementation and model differ after ${context}`, diff);
  if (w.machine.warnings.length > 0) throw new Violation("INV-RO", `WARN_ON fired: ${w.machine.warnings[0]}`);
  if (w.machine.lockOwner !== null) throw new Violation("INV-LOCK", `mmu_lock still held by ${w.machine.lockOwner.name} after ${context}`);
  if (!w.pendingDeletes.size) checkNoLeak(w.kvm, installedSlots(w.kvm));
}

/** Each world's ghost TLB (INV-TLB), kept across its commands. */
const tlbs = new WeakMap<World, GhostTlb>();

/** Run `op` on both sides from `model`; returns the model's next state. Throws a Violation on any disagreement. */
export function runCommand(w: World, t: Thread, model: ModelState, op: OpDesc, stats?: SeqStats): ModelState {
  const mo = modelOp(model, op, w);
  const adds = new AddLayouts(w);
  let tlb = tlbs.get(w);
  if (!tlb) tlbs.set(w, (tlb = new GhostTlb(w.kvm)));
  w.machine.observers.push(adds, tlb);
  let ret: number;
  const before = w.machine.stepIndex;
  try {
    ret = w.machine.runSolo(t, implOp(w, op));
  } catch (e) {
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
  tlb.endOperation(t, opText(op));
  checkQuiescent(w, mo.s, opText(op), stats);
  return mo.s;
}
