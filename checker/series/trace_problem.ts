/**
 * Traces of the 2013 series that the file schemas accept but that cannot run
 * (Subject.traceProblem), for scenario files, the exhaustive job, and a
 * counterexample file whose replay fails (checker/jobs/replay.ts):
 *   - a DELETE (or a phase of one) of a slot that neither the configuration
 *     has nor any operation creates;
 *   - the phases of a DELETE (begin_delete_slot, unmap_invalid_slot,
 *     unmap_invalid_rmap, finish_delete_slot) share a begun DELETE the world
 *     keeps outside simulated memory, so a later phase needs the slot's
 *     begin_delete_slot in the set-up or earlier in the same thread;
 *   - a v3 DELETE (invalid rmaps, the lock-free unmap) exists only in the
 *     designs whose flush is "invalidate": v3.10 (baseline), 3.11 and 5.3
 *     have no such path.
 */
import type { OpDesc } from "../../model/operations";
import type { Trace, Variant } from "../subject";
import { asSeries } from "./variants";

const NEEDS_BEGUN = new Set<OpDesc["kind"]>(["unmap_invalid_slot", "unmap_invalid_rmap", "finish_delete_slot"]);

/** Operations that name an existing slot: a slot of the configuration, or one some operation creates. */
const NEEDS_SLOT = new Set<OpDesc["kind"]>(["delete_slot", "begin_delete_slot", "unmap_invalid_slot", "unmap_invalid_rmap", "finish_delete_slot"]);

export function seriesTraceProblem(t: Trace, variant: Variant | null): string | null {
  const setup = t.setup as OpDesc[];
  const all = [...setup, ...t.threads.flatMap((th) => th.ops as OpDesc[])];
  const slots = new Set<number>([...((t.config as { slots?: Array<{ id: number }> }).slots ?? []).map((x) => x.id), ...all.flatMap((o) => (o.kind === "create_slot" ? [o.id] : []))]);
  const where = [...setup.map((o, j) => [`setup.${j}`, o] as const), ...t.threads.flatMap((th, i) => (th.ops as OpDesc[]).map((o, j) => [`threads.${i}.ops.${j}`, o] as const))];
  for (const [at, op] of where) {
    if (NEEDS_SLOT.has(op.kind) && !slots.has((op as { id: number }).id)) return `${at} (${op.kind}) names slot ${(op as { id: number }).id}, which the configuration does not have and no operation creates`;
  }
  const begun = new Set<number>();
  for (const op of setup) if (op.kind === "begin_delete_slot") begun.add(op.id);
  for (const [i, th] of t.threads.entries()) {
    const mine = new Set(begun);
    for (const [j, op] of (th.ops as OpDesc[]).entries()) {
      if (op.kind === "begin_delete_slot") mine.add(op.id);
      if (NEEDS_BEGUN.has(op.kind) && !mine.has((op as { id: number }).id)) {
        return `threads.${i}.ops.${j} (${op.kind}) needs begin_delete_slot of slot ${(op as { id: number }).id} in the set-up or before it in the same thread`;
      }
    }
  }
  if (variant === null) return null;
  const invalidates = [...setup, ...t.threads.flatMap((th) => th.ops as OpDesc[])].some((o) => o.kind === "begin_delete_slot");
  if (invalidates && asSeries(variant).kernelDesign.flush !== "invalidate") {
    return `it begins a v3 DELETE (invalid rmaps, the lock-free unmap); design ${variant.design.name} has no such path`;
  }
  return null;
}
