/**
 * Every invariant of the lockless subject, by name, in one table: its level,
 * when it is checked, its source in the spec (upstream-lockless.md §3 IDs), and
 * what it asserts. Counterexamples print these names and docs/invariants.md
 * lists them ("The lockless subject"); a test keeps the two in step.
 *
 * The engine-level rows (memory safety, mmu_lock discipline, BUG, deadlock,
 * livelock) are the 2013 table's own rows, re-used as they are: the engine
 * raises the same failures for both subjects and checker/violation.ts names
 * them once. Levels and "when" mean what model/invariants.ts says.
 */
import { INVARIANTS as ENGINE_TABLE, type Invariant, type InvariantName } from "../invariants";

type Row<N extends InvariantName> = Extract<(typeof ENGINE_TABLE)[number], { name: N }>;
const engineRow = <N extends InvariantName>(name: N): Row<N> => ENGINE_TABLE.find((i) => i.name === name) as Row<N>;

export const LOCKLESS_INVARIANTS = [
  {
    name: "RMAP-LOCK-WORD",
    level: "representation",
    when: ["step"],
    source: "spec §3 R1, R5 [C]",
    statement: [
      "rmap_head->val changes only by a cmpxchg that sets KVM_RMAP_LOCKED on a non-empty value, by its",
      "holder's single unlock store (an mmu_lock writer's new list; a readonly holder's exact old value),",
      "or by an mmu_lock writer's store into an empty, unlocked rmap (the elided lock)",
    ],
  },
  {
    name: "RMAP-ONCE",
    level: "representation",
    when: ["step"],
    source: "spec §3 R2 [C] (9fb13ba6b5ff)",
    statement: [
      "an mmu_lock writer's list operation writes rmap_head->val at most twice, its lock and its unlock:",
      "no intermediate list is ever published",
    ],
  },
  {
    name: "RMAP-LOCK-EXCL",
    level: "representation",
    when: ["step"],
    source: "spec §3 R3 [C]",
    statement: [
      "KVM_RMAP_LOCKED set implies a non-zero pointer part, and exactly one thread holds the rmap's lock",
    ],
  },
  {
    name: "RMAP-RO-STABLE",
    level: "representation",
    when: ["step"],
    source: "spec §3 R4 [C]",
    statement: [
      "while a readonly holder holds an rmap's lock, its val and every field of every desc reachable",
      "from it stay unchanged; the readonly unlock's KVM_MMU_WARN_ON never fires",
    ],
  },
  {
    name: "RMAP-LOCK-CTX",
    level: "engine",
    when: ["step"],
    source: "spec §3 R6 [C] (lockdep asserts)",
    statement: [
      "kvm_rmap_lock and kvm_rmap_unlock run with mmu_lock held for write; every rmap lock is taken with",
      "preemption disabled",
    ],
  },
  {
    name: "DESC-SHAPE",
    level: "representation",
    when: ["step", "unlock", "quiescence"],
    source: "spec §3 D1 [C comments, I]",
    statement: [
      "a MANY list's head desc has 1 <= spte_count <= PTE_LIST_EXT; every tail desc is full; every desc's",
      "tail_count is PTE_LIST_EXT times the descs after it; sptes[k] is NULL for k >= spte_count; no sptep",
      "appears twice; checked when a writer unlocks, at each readonly lock, and at quiescence",
    ],
  },
  {
    name: "PTE-LIST-COUNT",
    level: "representation",
    when: ["operation"],
    source: "spec §3 D2 [C]",
    statement: [
      "pte_list_add returns the number of entries the rmap held before the add",
    ],
  },
  {
    name: "DESC-FREE",
    level: "representation",
    when: ["free"],
    source: "spec §3 M2 [C]",
    statement: [
      "a desc is freed only by the holder of the lock of the rmap whose list contains it",
    ],
  },
  {
    name: "RMAP-COMPLETE",
    level: "model",
    when: ["unlock", "quiescence"],
    source: "spec §3 S1 [C]",
    statement: [
      "whenever mmu_lock is free, the shadow-present leaf sptes of live shadow pages and the entries of",
      "the slot's rmaps are in bijection, each entry in the rmap of its (gfn, level); once the slot is",
      "deleted (its rmaps freed), no spte and no TDP MMU mapping is present",
    ],
  },
  {
    name: "LOCKLESS-SKIP",
    level: "model",
    when: ["step"],
    source: "spec §3 S2 [C] (bb6c7749ccee)",
    statement: [
      "a walk without mmu_lock skips the non-present sptes it finds in an rmap; no WARN fires for them",
    ],
  },
  {
    name: "NO-RESURRECT",
    level: "model",
    when: ["step"],
    source: "spec §3 S3 [I]",
    statement: [
      "a spte becomes shadow-present only through a page fault under mmu_lock (mmu_spte_set), never",
      "through aging, the fast page fault or hardware",
    ],
  },
  {
    name: "NO-LOST-DIRTY",
    level: "model",
    when: ["step"],
    source: "spec §3 S4 [C, I]",
    statement: [
      "nothing without mmu_lock (the ager, the fast page fault, the CPU) clears D, or W of an A/D-enabled spte;",
      "only mmu_lock holders remove dirty state (access tracking an A/D-disabled spte drops W by design)",
    ],
  },
  {
    name: "AT-ROUNDTRIP",
    level: "model",
    when: ["step"],
    source: "spec §3 S5 [C] (Sean on v8 03/11)",
    statement: [
      "access tracking saves exactly the R/X of the value it replaces and keeps every other field; a",
      "restore gives back the saved R/X",
    ],
  },
  {
    name: "LOST-UPDATE",
    level: "model",
    when: ["step"],
    source: "spec §3 S6, §5.4 K7 [C]",
    statement: [
      "an mmu_lock holder's plain store to a present spte never undoes a change another thread made after",
      "the holder last read the spte, except the Accessed bit of an A/D-enabled spte (tolerated by design)",
    ],
  },
  {
    name: "SPTE-STEP",
    level: "model",
    when: ["step"],
    source: "docs/model.md (model/lockless/spte_rules.ts)",
    statement: [
      "every write to a spte is a change the running operation's model action allows from the spte's",
      "value just before the write (aging: A cleared or access-tracked, by the ager of that spte; test_young: none)",
    ],
  },
  {
    name: "DIRTY-LOG",
    level: "model",
    when: ["step"],
    source: "spec §2.8, §3 S4 [C, I]",
    statement: [
      "in a dirty-logged slot, every writable spte whose dirty tracking is by write protection (A/D",
      "disabled or WRPROT_ONLY, or no PML) maps a page whose bitmap bit is set, or whose harvest, or whose fast page",
      "fault's mark_page_dirty_in_slot, is in progress",
    ],
  },
  {
    name: "INVALIDATE-MAP",
    level: "model",
    when: ["step"],
    source: "kvm_main.c kvm_mmu_invalidate_begin/_end, mmu_invalidate_retry_gfn [C]",
    statement: [
      "between an mmu_notifier invalidation's range_start (its gfns zapped) and the end of its range_end,",
      "no page fault installs a spte for a gfn of its range (the fault retries)",
    ],
  },
  {
    name: "UNMAP-RANGE",
    level: "model",
    when: ["operation"],
    source: "mmu.c kvm_unmap_gfn_range, kvm_zap_gfn_range [C]",
    statement: [
      "when an mmu_notifier invalidation (kvm_unmap_gfn_range) or kvm_zap_gfn_range returns, every spte on",
      "an rmap its range covers and every TDP MMU mapping of the range that was present when it first took",
      "mmu_lock is gone, unless another thread made it present again since",
    ],
  },
  {
    name: "WRITE-TRACK",
    level: "model",
    when: ["operation"],
    source: "mmu.c kvm_mmu_slot_gfn_write_protect [C]",
    statement: [
      "when kvm_mmu_slot_gfn_write_protect returns, no spte of the gfn is writable or MMU-writable",
    ],
  },
  {
    name: "AGE-RESULT",
    level: "model",
    when: ["operation"],
    source: "spec §3 A1 [I]",
    statement: [
      "kvm_age_gfn and kvm_test_age_gfn return true when some spte of a covered rmap was in it, present",
      "and accessed, and unwritten for the whole call; false when no spte of a covered rmap was present and",
      "accessed at any time during the call; otherwise either",
    ],
  },
  {
    name: "AGE-COVERAGE",
    level: "model",
    when: ["operation"],
    source: "spec §2.5, §3 A1 [C code, I]",
    statement: [
      "an aging call that does not return early examines every rmap its gfn range covers, at every level",
      "(gfn_to_index(start) .. gfn_to_index(end - 1))",
    ],
  },
  {
    name: "AGE-OLD",
    level: "model",
    when: ["operation"],
    source: "spec §3 A2 [I]",
    statement: [
      "when kvm_age_gfn returns, every accessed spte it read that no other thread wrote since is old",
      "(A clear; access-tracked when A/D is disabled)",
    ],
  },
  {
    name: "RMAP-UNLOCKED",
    level: "representation",
    when: ["quiescence"],
    source: "spec §3 L1 [I]",
    statement: [
      "when every thread is done, no rmap's KVM_RMAP_LOCKED is set (and no spin waited forever: DEADLOCK)",
    ],
  },
  {
    name: "NO-LEAK",
    level: "representation",
    when: ["quiescence"],
    source: "mmu.c mmu_free_pte_list_desc [C]",
    statement: [
      "every desc still allocated is on some rmap's list",
    ],
  },
  {
    name: "MODEL-REFINE",
    level: "model",
    when: ["operation", "quiescence"],
    source: "docs/model.md",
    statement: [
      "sequentially, after every operation the implementation's abstract state equals the model's and the",
      "return values agree",
    ],
  },
  {
    name: "KERNEL-WARN",
    level: "engine",
    when: ["step"],
    source: "mmu.c WARN_ON / KVM_MMU_WARN_ON [C]",
    statement: [
      "no other WARN_ON fires",
    ],
  },
  engineRow("INV-MEM"),
  engineRow("INV-LOCK"),
  engineRow("KERNEL-BUG"),
  engineRow("DEADLOCK"),
  engineRow("LIVELOCK"),
] as const satisfies readonly Invariant[];

/** The name of a lockless-subject invariant. */
export type LocklessInvariantName = (typeof LOCKLESS_INVARIANTS)[number]["name"];

const BY_NAME: ReadonlyMap<string, Invariant> = new Map(LOCKLESS_INVARIANTS.map((i) => [i.name, i]));

export function locklessInvariantNamed(name: string): Invariant | undefined {
  return BY_NAME.get(name);
}
