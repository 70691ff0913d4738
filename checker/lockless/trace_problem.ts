/**
 * Traces of the lockless subject that the file schemas accept but that cannot
 * run or that a design does not claim to handle (Subject.traceProblem), for
 * scenario files and the exhaustive job: KVM_GET_DIRTY_LOG on a slot without
 * dirty logging (the model's guard); two threads that change the slot's
 * flags, or one that does beside one that harvests the dirty log (the kernel
 * serializes both ioctls on kvm->slots_lock, which is not simulated); a
 * deletion of the slot beside anything but faults, accesses and aging
 * (deletionProblem); and a design whose `callers` are "aligned"
 * (impl/lockless/designs.ts: the mmu_notifier callers known to deliver only
 * single pages or ranges on the largest huge page) is not run on an aging
 * range it never receives. Such a range is a finding of the "any"-callers
 * designs (docs/findings-lockless.md, L1), not of this one.
 */
import type { LocklessOp } from "../../model/lockless/operations";
import type { Trace, Variant } from "../subject";
import { asLockless } from "./variants";
import type { LocklessConfig } from "./world";

const hex = (n: number): string => `0x${n.toString(16)}`;

/**
 * The deletion of the slot (delete_memslot): at most one in a trace, and
 * beside it or after it only the vCPU's and the agers' operations (the
 * others reach the slot's rmaps through the simulation's first slot, or
 * hold kvm->slots_lock, or, for an mmu_notifier invalidation, would have
 * kvm_swap_active_memslots wait for mn_active_invalidate_count, which is not
 * simulated).
 */
const BESIDE_DELETE: ReadonlySet<LocklessOp["kind"]> = new Set(["page_fault", "fast_page_fault", "hw_access", "clear_young", "test_young"]);

function deletionProblem(t: Trace): string | null {
  const setup = t.setup as LocklessOp[];
  const threads = t.threads.map((th) => th.ops as LocklessOp[]);
  const count = [setup, ...threads].flat().filter((op) => op.kind === "delete_memslot").length;
  if (count === 0) return null;
  if (count > 1) return "the trace deletes the slot more than once (a deleted slot is final: it is never created again)";
  const at = setup.findIndex((op) => op.kind === "delete_memslot");
  for (const [i, ops] of threads.entries()) {
    const bad = ops.find((op) => op.kind !== "delete_memslot" && !BESIDE_DELETE.has(op.kind));
    if (bad !== undefined) return `thread ${i} runs ${bad.kind} in a trace that deletes the slot: only faults, accesses and aging run beside or after a deletion`;
  }
  const late = at < 0 ? undefined : setup.slice(at + 1).find((op) => !BESIDE_DELETE.has(op.kind));
  return late === undefined ? null : `the set-up runs ${late.kind} after deleting the slot: only faults, accesses and aging run after a deletion`;
}

export function locklessTraceProblem(t: Trace, variant: Variant | null): string | null {
  const k = (t.config as LocklessConfig).kvm;
  const ops: Array<[string, LocklessOp]> = [
    ...(t.setup as LocklessOp[]).map((op, i): [string, LocklessOp] => [`setup.${i}`, op]),
    ...t.threads.flatMap((th, i) => (th.ops as LocklessOp[]).map((op, j): [string, LocklessOp] => [`threads.${i}.ops.${j}`, op])),
  ];
  // The model's one guard (model/lockless/spec.ts enabled).
  const harvest = ops.find(([, op]) => op.kind === "get_dirty_log");
  const setupEnables = (t.setup as LocklessOp[]).some((op) => op.kind === "log_dirty_pages" && op.enable);
  if (harvest !== undefined && !k.dirtyLogging && !setupEnables) return `${harvest[0]} (get_dirty_log) needs a dirty-logged slot (config.kvm.dirtyLogging, or a log_dirty_pages enable in the set-up)`;
  const uses = (kind: LocklessOp["kind"]): number[] => t.threads.flatMap((th, i) => ((th.ops as LocklessOp[]).some((op) => op.kind === kind) ? [i] : []));
  const changers = uses("log_dirty_pages");
  if (changers.length > 1) return `threads ${changers.join(" and ")} both change the slot's flags (log_dirty_pages): the kernel serializes them on kvm->slots_lock, which is not simulated`;
  const harvesters = uses("get_dirty_log").filter((i) => i !== changers[0]);
  if (changers.length === 1 && harvesters.length > 0) return `thread ${changers[0]} changes the slot's flags beside thread ${harvesters[0]}'s get_dirty_log: the kernel serializes them on kvm->slots_lock, which is not simulated`;
  const deletion = deletionProblem(t);
  if (deletion !== null) return deletion;
  if (variant === null || asLockless(variant).kernelDesign.callers !== "aligned") return null;
  const span = 2 ** (k.levelShift * (k.KVM_MAX_HUGEPAGE_LEVEL - 1));
  for (const [at, op] of ops) {
    if (op.kind !== "clear_young" || op.end - op.start === 1 || (op.start % span === 0 && op.end % span === 0)) continue;
    return `${at} (clear_young of hvas [${hex(op.start)}, ${hex(op.end)})) is a range the known callers never deliver (neither one page nor aligned on the largest huge page, ${span} pages), and design ${variant.design.name} assumes those callers; run it with merged or index-walk`;
  }
  return null;
}
