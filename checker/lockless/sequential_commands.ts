/**
 * fast-check model-based commands of the lockless subject: one per
 * operation, printed as the kernel call it makes; whether one may run is the
 * model's guard (model/lockless/spec.ts enabled).
 */
import fc from "fast-check";
import type { LocklessOp } from "../../model/lockless/operations";
import { enabled } from "../../model/lockless/spec";
import type { ModelState } from "../../model/lockless/state";
import type { Thread } from "../../runtime/thread";
import type { StepRecorder } from "../search/step_recorder";
import type { SeqStats } from "../subject";
import { opArbs } from "./arbitraries";
import { opText } from "./operations";
import { runLocklessCommand } from "./oracle/sequential_check";
import type { LocklessStepChecker } from "./oracle/step_checker";
import type { LocklessWorld } from "./world";

export interface LocklessSeqModel {
  s: ModelState;
}

export interface LocklessSeqReal {
  w: LocklessWorld;
  t: Thread;
  checker: LocklessStepChecker;
  stats?: SeqStats;
  ran: LocklessOp[];
  recorder: StepRecorder;
  failure: { duringStep: boolean };
}

export class LocklessCommand implements fc.Command<LocklessSeqModel, LocklessSeqReal> {
  constructor(readonly op: LocklessOp) {}

  check(m: Readonly<LocklessSeqModel>): boolean {
    return enabled(m.s, this.op);
  }

  run(m: LocklessSeqModel, r: LocklessSeqReal): void {
    r.recorder.op = r.ran.length;
    r.ran.push(this.op);
    m.s = runLocklessCommand(r.w, r.t, r.checker, m.s, this.op, r.stats, r.failure);
  }

  toString(): string {
    return opText(this.op);
  }
}

const WEIGHTS: Record<LocklessOp["kind"], number> = {
  page_fault: 10,
  fast_page_fault: 2,
  hw_access: 3,
  clear_young: 3,
  test_young: 2,
  unmap_gfn_range: 2,
  zap_gfn_range: 1,
  zap_sp: 2,
  get_dirty_log: 2,
  write_protect_gfn: 1,
  log_dirty_pages: 1,
  delete_memslot: 1,
};

/** Every command, weighted so that rmaps grow long before they are torn down. */
export function locklessCommandArbs(callers: "any" | "aligned"): fc.Arbitrary<fc.Command<LocklessSeqModel, LocklessSeqReal>>[] {
  const arbs = opArbs(callers);
  const out: fc.Arbitrary<fc.Command<LocklessSeqModel, LocklessSeqReal>>[] = [];
  for (const [kind, w] of Object.entries(WEIGHTS) as Array<[LocklessOp["kind"], number]>) {
    const arb = (arbs[kind] as fc.Arbitrary<LocklessOp>).map((op) => new LocklessCommand(op), (c) => (c as LocklessCommand).op);
    for (let i = 0; i < w; i++) out.push(arb);
  }
  return out;
}
