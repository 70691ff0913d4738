/**
 * fast-check model-based commands: one command per operation, printed as the
 * kernel call it makes. The fc model is the reference model's state; whether
 * a command may run is the model's guard (model/spec.ts enabled).
 */
import fc from "fast-check";
import type { OpDesc } from "../../model/operations";
import { enabled, type Params } from "../../model/spec";
import type { ModelState } from "../../model/state";
import type { Thread } from "../../runtime/thread";
import { opText } from "./operations";
import type { SeqStats } from "../subject";
import { runCommand } from "./oracle/sequential_check";
import { placeOp } from "./placement";
import type { StepRecorder } from "../search/step_recorder";
import type { World, WorldConfig } from "./world";
import { opArbs } from "./arbitraries";

export interface SeqModel {
  readonly params: Params;
  readonly cfg: WorldConfig;
  s: ModelState;
}

export interface SeqReal {
  w: World;
  /** The world's configuration: logical operations are placed in it. */
  cfg: WorldConfig;
  t: Thread;
  stats?: SeqStats;
  /** The operations run so far, in order (what a failure is reported with). */
  ran: OpDesc[];
  /** Every step made so far, with its operation's index. */
  recorder: StepRecorder;
  /** Set when a command's violation was raised by an atomic step. */
  failure: { duringStep: boolean };
}

export class OpCommand implements fc.Command<SeqModel, SeqReal> {
  constructor(readonly op: OpDesc) {}

  check(m: Readonly<SeqModel>): boolean {
    return enabled(m.params, m.s, placeOp(this.op, m.cfg));
  }

  run(m: SeqModel, r: SeqReal): void {
    const op = placeOp(this.op, r.cfg);
    r.recorder.op = r.ran.length;
    r.ran.push(op);
    m.s = runCommand(r.w, r.t, m.s, op, r.stats, r.failure);
  }

  toString(): string {
    return opText(this.op);
  }
}

const weights: Array<[keyof typeof opArbs, number]> = [
  ["page_fault", 12],
  ["unmap_hva_range", 3],
  ["set_spte_hva", 2],
  ["age_hva", 2],
  ["test_age_hva", 2],
  ["shadow_gfn", 2],
  ["get_dirty_log", 2],
  ["hw_access", 4],
  ["fast_page_fault", 2],
  ["zap_page", 3],
  ["invalid_all_pages", 1],
  ["delete_slot", 1],
  ["create_slot", 2],
  ["begin_delete_slot", 2],
  ["unmap_invalid_slot", 3],
  ["finish_delete_slot", 3],
  ["destroy_vm", 1],
];

/** All commands, weighted so that rmaps grow long before they are torn down. */
export function commandArbs(): fc.Arbitrary<fc.Command<SeqModel, SeqReal>>[] {
  const out: fc.Arbitrary<fc.Command<SeqModel, SeqReal>>[] = [];
  for (const [kind, w] of weights) {
    const arb = (opArbs[kind] as fc.Arbitrary<OpDesc>).map((op) => new OpCommand(op), (c) => (c as OpCommand).op);
    for (let i = 0; i < w; i++) out.push(arb);
  }
  return out;
}
