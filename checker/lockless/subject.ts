/**
 * The lockless subject: the shadow MMU's rmaps under lockless aging in Linux
 * 6.15 (KVM_RMAP_LOCKED; spec upstream-lockless.md), as a Subject of the checker.
 */
import type fc from "fast-check";
import { locklessInvariantNamed } from "../../model/lockless/invariants";
import type { LocklessOp } from "../../model/lockless/operations";
import { lazyModule } from "../lazy_module";
import type { Subject, Trace } from "../subject";
import { locklessRunArb } from "./concurrent_arbitraries";
import type * as FileSchema from "./file_schema";
import { opText } from "./operations";
import { locklessRunSequential, locklessSequentialProperty } from "./sequential_property";
import { locklessTraceProblem } from "./trace_problem";
import { buildLocklessTrace, type LocklessTrace, ROLES } from "./trace_build";
import { locklessDesigns, locklessMutants, locklessVariant } from "./variants";
import type { LocklessConfig } from "./world";

export function locklessConfigLine(c: LocklessConfig): string {
  const k = c.kvm;
  const s = c.slot;
  const log = k.dirtyLogging ? `dirty logging${k.pml ? " with PML" : ""}` : "no dirty logging";
  return `PTE_LIST_EXT=${k.PTE_LIST_EXT}, level shift ${k.levelShift}, ${k.KVM_MAX_HUGEPAGE_LEVEL} levels, ${k.sptesPerPage} sptes/page, EPT A/D ${k.kvm_ad_enabled ? "on" : "off"}, ${log}, RMAP_RECYCLE_THRESHOLD=${k.RMAP_RECYCLE_THRESHOLD}${k.tdp_mmu_enabled ? ", TDP MMU on" : ""}${k.nested_ept_ad_enabled ? ", L1 EPT A/D on" : ""}; slot: gfn [0x${s.baseGfn.toString(16)}, +${s.npages}) at hva 0x${s.userspaceAddr.toString(16)}`;
}

/** Smaller configurations: one page fewer, or PTE_LIST_EXT 2. Sizes only decrease. */
export function locklessConfigShrinks(t: Trace): Trace[] {
  const trace = t as LocklessTrace;
  const c = trace.config;
  const out: Trace[] = [];
  if (c.slot.npages > 1) out.push({ ...trace, config: { ...c, slot: { ...c.slot, npages: c.slot.npages - 1 } } });
  if (c.kvm.PTE_LIST_EXT > 2) out.push({ ...trace, config: { ...c, kvm: { ...c.kvm, PTE_LIST_EXT: 2 } } });
  return out;
}

/**
 * What a user of a 6.15 host could see (docs/mutants.md, "The lockless
 * subject"): a memory error, a spte the guest or a later fast page fault uses
 * with the wrong permissions or saved bits, a spte resurrected, left mapped after
 * an invalidation, or an rmap entry lost, a write the dirty log misses, a wrong aging answer, two rmap
 * lock holders, a lock left held, a WARN. The rest (LOST-UPDATE, RMAP-ONCE,
 * RMAP-LOCK-WORD, RMAP-LOCK-CTX, DESC-SHAPE, DESC-FREE, PTE-LIST-COUNT,
 * MODEL-REFINE) check the kernel's own rules and representation, whose
 * breaking may or may not lead to such an effect.
 */
const LOCKLESS_USER_VISIBLE: ReadonlySet<string> = new Set([
  "INV-MEM", "NO-RESURRECT", "SPTE-STEP", "AT-ROUNDTRIP", "NO-LOST-DIRTY", "WRITE-TRACK", "DIRTY-LOG",
  "AGE-RESULT", "AGE-COVERAGE", "AGE-OLD", "INVALIDATE-MAP", "UNMAP-RANGE", "RMAP-COMPLETE", "NO-LEAK", "RMAP-LOCK-EXCL", "RMAP-UNLOCKED", "LOCKLESS-SKIP",
]);

const fileSchema = lazyModule(() => require("./file_schema") as typeof FileSchema);

export const lockless: Subject = {
  name: "lockless-aging",
  summary: "Linux 6.15's shadow-MMU rmaps aged without mmu_lock under the KVM_RMAP_LOCKED bit-spinlock (kvm-x86-mmu-6.15)",
  designs: locklessDesigns,
  mutants: locklessMutants,
  userVisibleInvariants: LOCKLESS_USER_VISIBLE,
  defaultDesign: "merged",
  roles: ROLES,
  pctSteps: 60,
  // A lockless reader's whole call between two writes of an mmu_lock holder (an rmap entry published
  // before the count that gates the walk): a writer is held after one write in five (docs/mutants.md,
  // "The sampled search and the gates"). A lockless walker that lost a race into its window keeps its
  // stale snapshot while the lock holder finishes (a zap that frees the page): pLoser (issue 20, session 4).
  conflict: { pPublish: 0.2, pLoser: 0.75 },
  variant: (design, mutant) => locklessVariant(lockless, design, mutant),
  hasInvariant: (name) => locklessInvariantNamed(name) !== undefined,
  opText: (op) => opText(op as LocklessOp),
  configLine: (c) => locklessConfigLine(c as LocklessConfig),
  runArb: locklessRunArb,
  build: buildLocklessTrace,
  configShrinks: locklessConfigShrinks,
  sequentialProperty: (v, hooks) => locklessSequentialProperty(v, hooks) as unknown as fc.IProperty<unknown>,
  runSequential: locklessRunSequential,
  // Loaded on first use (zod costs a command ~0.1 s of start-up; checker/lazy_module.ts).
  get configSchema() {
    return fileSchema().locklessConfigSchema;
  },
  get opSchema() {
    return fileSchema().locklessOpSchema;
  },
  traceProblem: locklessTraceProblem,
};
