/**
 * Everything, when every thread is done: no lock held (INV-LOCK), the
 * representation well formed (the abstraction's findings), the model's
 * bijection (INV-COMPLETE), nothing leaked (INV-NO-LEAK, unless a DELETE is
 * half-done), and the abstract
 * state equal to the ghost model advanced step by step (INV-REFINE).
 */
import { modelBijection } from "../../../../model/invariants";
import { Violation } from "../../../violation";
import type { World } from "../../world";
import { abstraction } from "../abstraction";
import { checkNoLeak } from "../rmap_checks";
import type { SpteRefinement } from "../spte_refinement";

export function checkQuiescence(w: World, refinement: SpteRefinement, count: () => void): void {
  count();
  const held = w.machine.heldLocks();
  if (held.length > 0) throw new Violation("INV-LOCK", `${held[0]![1].name} ended holding mmu_lock`);
  const abs = abstraction(w);
  if (abs.errors.length > 0) throw Violation.of(abs.errors[0]!);
  count();
  const bij = modelBijection(abs.s);
  if (bij.length > 0) throw new Violation("INV-COMPLETE", `at quiescence: ${bij[0]}`, bij);
  count();
  // As in the sequential check: a DELETE begun and not finished still holds the old slot.
  // The slots the abstraction read: nothing has run since.
  if (w.pendingDeletes.size === 0) checkNoLeak(w.kvm, abs.installed);
  count();
  const diff = refinement.compare(abs.s);
  if (diff.length > 0) throw new Violation("INV-REFINE", "at quiescence the implementation's state is not the model's", diff);
}
