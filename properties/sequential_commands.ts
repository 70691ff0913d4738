/**
 * fast-check model-based commands: one command per operation, printed as the
 * kernel call it makes. The fc model holds the reference model's state plus
 * which v3 DELETE phases are in progress.
 */
import fc from "fast-check";
import { slotOf } from "../model/geometry";
import type { ModelState } from "../model/state";
import type { Thread } from "../runtime/thread";
import { opArbs } from "./arbitraries";
import { type OpDesc, opText } from "./ops";
import { runCommand, type SeqStats } from "./sequential_check";
import type { World } from "./world";

export interface SeqModel {
  s: ModelState;
  /** v3 DELETE phases in progress, by slot id. */
  phase: Map<number, "begun" | "unmapped">;
  v3: boolean;
}

export interface SeqReal {
  w: World;
  t: Thread;
  stats?: SeqStats;
}

/** May `op` run now? Operations whose kernel contract forbids the state (BUG, WARN) are excluded here and tested in bad_input.test.ts. */
export function precondition(m: SeqModel, op: OpDesc): boolean {
  const slot = (id: number) => m.s.slots.get(id);
  switch (op.kind) {
    case "get_dirty_log": {
      // The ioctl holds slots_lock: never during a DELETE of its slot.
      const sl = slotOf(m.s, op.gfn);
      return sl === undefined || sl.rmaps === "valid";
    }
    case "delete_slot":
      return slot(op.id)?.rmaps === "valid";
    case "begin_delete_slot":
      return m.v3 && slot(op.id)?.rmaps === "valid";
    case "unmap_invalid_slot":
      return m.phase.get(op.id) === "begun";
    case "finish_delete_slot":
      return m.phase.get(op.id) === "unmapped";
    case "create_slot":
      // An id in use or overlapping gfns is refused by both sides; only a slot id being deleted is excluded.
      return !m.phase.has(op.id);
    case "destroy_vm":
      return m.phase.size === 0;
    default:
      return true;
  }
}

export class OpCommand implements fc.Command<SeqModel, SeqReal> {
  constructor(readonly op: OpDesc) {}

  check(m: Readonly<SeqModel>): boolean {
    return precondition(m as SeqModel, this.op);
  }

  run(m: SeqModel, r: SeqReal): void {
    m.s = runCommand(r.w, r.t, m.s, this.op, r.stats);
    if (this.op.kind === "begin_delete_slot") m.phase.set(this.op.id, "begun");
    if (this.op.kind === "unmap_invalid_slot") m.phase.set(this.op.id, "unmapped");
    if (this.op.kind === "finish_delete_slot") m.phase.delete(this.op.id);
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
