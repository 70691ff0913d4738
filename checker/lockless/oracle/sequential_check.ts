/**
 * One sequential command of the lockless subject, run on the implementation
 * (with the step checker attached) and on the model side by side, then
 * compared: the return value and the whole abstract state (MODEL-REFINE), the
 * representation (DESC-SHAPE, RMAP-COMPLETE), and the quiescence checks.
 */
import { diffStates } from "../../../model/lockless/diff";
import type { LocklessOp } from "../../../model/lockless/operations";
import { next, typeOK } from "../../../model/lockless/spec";
import type { ModelState } from "../../../model/lockless/state";
import type { Thread } from "../../../runtime/thread";
import type { SeqStats } from "../../subject";
import { asViolation, Violation } from "../../violation";
import { opText } from "../operations";
import { operation } from "../trace_build";
import type { LocklessWorld } from "../world";
import { type Abstraction, abstraction } from "./abstraction";
import { checkQuiescence } from "./quiescence";
import type { LocklessStepChecker } from "./step_checker";

/**
 * `failure.duringStep` is set when the violation was raised by an atomic step
 * of the operation (the step checker, the engine), not by the comparison after it.
 */
export function runLocklessCommand(w: LocklessWorld, t: Thread, checker: LocklessStepChecker, model: ModelState, op: LocklessOp, stats?: SeqStats, failure?: { duringStep: boolean }): ModelState {
  const mo = next(model, op);
  const before = w.machine.stepIndex;
  const checks = checker.checks;
  let ret: number;
  let abs: Abstraction;
  try {
    try {
      ret = w.machine.runOperation(t, operation(w, op));
    } catch (e) {
      if (failure) failure.duringStep = true;
      throw e;
    }
    abs = abstraction(w);
    checkQuiescence(w, () => checker.checks++, abs);
  } catch (e) {
    throw asViolation(e);
  } finally {
    if (stats) {
      stats.commands++;
      stats.steps += w.machine.stepIndex - before;
    }
  }
  const bad = typeOK(mo.s);
  if (bad.length > 0) throw new Error(`the model is not well typed after ${opText(op)}: ${bad[0]}`);
  if (ret !== mo.ret) throw new Violation("MODEL-REFINE", `${opText(op)} returned ${ret}, the model says ${mo.ret}`);
  const diff = diffStates(mo.s, abs.s);
  if (stats) stats.invariantChecks += checker.checks - checks + 2;
  if (diff.length > 0) throw new Violation("MODEL-REFINE", `implementation and model differ after ${opText(op)}`, diff);
  return mo.s;
}
