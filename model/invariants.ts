/**
 * Every invariant the checker knows, by name, in one table: its level, when
 * it is checked, its source, and what it asserts. The names are the ones
 * counterexamples print and docs/invariants.md lists (a test keeps the two in
 * step); `Violation` (checker/violation.ts) takes only these names.
 *
 * level
 *   model           a statement about the model's state or the operations'
 *                   effects (refinement, A/D, TLB, bijection)
 *   representation  a statement about the kernel's encoding of that state
 *                   (rmap heads, descs, SKIP, who may free what)
 *   engine          a statement about execution itself (memory safety,
 *                   locking, termination, BUG)
 * when
 *   step        after every atomic step (incrementally, over what the step touched)
 *   unlock      when mmu_lock is released (the lock's monitor invariant)
 *   operation   when an operation completes
 *   free        when the memory it protects is freed
 *   quiescence  when every thread is done (and after every sequential command)
 *
 * The checks over the model's own state are below (modelBijection) and in
 * model/spec.ts (typeOK); the checks over the implementation's memory are in
 * checker/oracle/, under the same names.
 */
import { refParts } from "./actions/primitives";
import { rmapOf } from "./geometry";
import type { ModelState } from "./state";

export type When = "step" | "unlock" | "operation" | "free" | "quiescence";
export type Level = "model" | "representation" | "engine";

export interface Invariant {
  readonly name: string;
  readonly level: Level;
  readonly when: readonly When[];
  readonly source: string;
  /** What it asserts, in short lines. */
  readonly statement: readonly string[];
}

export const INVARIANTS = [
  {
    name: "HEAD-WF",
    level: "representation",
    when: ["step", "unlock", "quiescence"],
    source: "spec §1.1 [C]",
    statement: [
      "an rmap head is 0, a live spte address (bit 0 clear), PTE_LIST_SPTE_SKIP in an invalid rmap, or",
      "a live desc address with bit 0 set",
    ],
  },
  {
    name: "DESC-PACKED",
    level: "representation",
    when: ["step", "unlock", "quiescence"],
    source: "spec §1.1 [C]",
    statement: [
      "the non-NULL entries of a desc are a prefix of sptes[]",
    ],
  },
  {
    name: "DESC-NONEMPTY",
    level: "representation",
    when: ["step", "unlock", "quiescence"],
    source: "spec §1.1 [C]",
    statement: [
      "every linked desc has sptes[0] != NULL",
    ],
  },
  {
    name: "DESC-CHAIN",
    level: "representation",
    when: ["step", "unlock", "quiescence"],
    source: "spec §1.1 [C]",
    statement: [
      "`more` links are NULL or live descs, the chain is acyclic and no desc is linked twice",
    ],
  },
  {
    name: "NO-DUP",
    level: "representation",
    when: ["unlock", "quiescence"],
    source: "spec §2.8 [C]",
    statement: [
      "no spte appears twice in rmaps",
    ],
  },
  {
    name: "PLACEMENT",
    level: "representation",
    when: ["unlock", "quiescence"],
    source: "spec §1.7, §2.8 [C]",
    statement: [
      "each entry names a live leaf spte whose (slot, level, index) is the rmap's own",
    ],
  },
  {
    name: "INV-COMPLETE",
    level: "model",
    when: ["free", "quiescence"],
    source: "spec §2.8 [C comment, I]",
    statement: [
      "present leaf sptes mapping an installed slot and the non-SKIP entries of its rmaps are in",
      "bijection; before an invalid slot's rmap memory is freed every entry is SKIP and no present spte",
      "maps the slot",
    ],
  },
  {
    name: "INV-SKIP-ONLY-INVALID",
    level: "representation",
    when: ["step"],
    source: "spec §2.8 [I]",
    statement: [
      "PTE_LIST_SPTE_SKIP is written only into rmaps of slots whose ops are invalid_rmap_ops",
    ],
  },
  {
    name: "INV-NO-MOVE",
    level: "representation",
    when: ["step"],
    source: "spec §2.8 [I]",
    statement: [
      "while a slot's ops are invalid and it is installed, no entry, `more` link or head changes except",
      "entry: spte -> SKIP",
    ],
  },
  {
    name: "INV-NO-FREE",
    level: "representation",
    when: ["step"],
    source: "spec §2.8 [I]",
    statement: [
      "while a slot's ops are invalid and it is installed, none of its descs is freed",
    ],
  },
  {
    name: "INV-MONO",
    level: "representation",
    when: ["step"],
    source: "spec §2.8 [I]",
    statement: [
      "an entry of an invalid rmap only goes spte -> SKIP, and SKIP is terminal",
    ],
  },
  {
    name: "INV-WINNER",
    level: "representation",
    when: ["step"],
    source: "spec §2.4 [C code]",
    statement: [
      "an invalid rmap's entry is reset to SKIP only when its spte is no longer present",
    ],
  },
  {
    name: "INV-AD",
    level: "model",
    when: ["step", "operation"],
    source: "spec §1.6, §2.8 [C]",
    statement: [
      "when a present leaf spte stops being present, its clearer calls kvm_set_pfn_accessed /",
      "kvm_set_pfn_dirty as its A/D bits require, and no update loses an A or D bit set concurrently",
    ],
  },
  {
    name: "INV-RO",
    level: "model",
    when: ["step"],
    source: "spec §2.8 [C]",
    statement: [
      "rmap_add and rmap_write_protect never run on an invalid slot (their WARN_ON never fires); no",
      "WARN_ON fires at all",
    ],
  },
  {
    name: "INV-OBSOLETE",
    level: "model",
    when: ["step"],
    source: "spec §2.8 [I]",
    statement: [
      "every spte cleared through an invalid rmap belongs to an obsolete shadow page (so skipping the",
      "TLB flush is safe)",
    ],
  },
  {
    name: "INV-GEN-CURRENT",
    level: "model",
    when: ["step"],
    source: "spec §3.3 [C] (3.11 \"do not reuse the obsolete page\"; mmu_valid_gen++ under mmu_lock)",
    statement: [
      "a vCPU fault makes a spte present only in a shadow page of the current generation: kvm_mmu_get_page",
      "never hands out an obsolete page, and the generation does not move between its lookup and the set",
    ],
  },
  {
    name: "INV-GEN-ZAPPED",
    level: "model",
    when: ["operation"],
    source: "spec §3.3 [C] (3.11 kvm_zap_obsolete_pages)",
    statement: [
      "(3.11) once an operation that bumped mmu_valid_gen to G has returned, no shadow page on",
      "active_mmu_pages of a generation older than G is unzapped (then or at any later operation's",
      "end): the obsolete pages, and their rmap entries, are gone",
    ],
  },
  {
    name: "INV-SP-LIVE",
    level: "representation",
    when: ["free"],
    source: "spec §2.8 [I]",
    statement: [
      "a shadow page is freed only when no rmap entry names one of its sptes",
    ],
  },
  {
    name: "INV-DESC-LIVE",
    level: "representation",
    when: ["free"],
    source: "spec §2.8 [I]",
    statement: [
      "descs of an invalid slot are freed only after the slot is uninstalled, an SRCU grace period has",
      "passed and no unmapper is walking it",
    ],
  },
  {
    name: "INV-TLB",
    level: "model",
    when: ["unlock", "operation"],
    source: "spec §5 M12 (ghost TLB) [I]; the kernel's flush after every narrowing, and before every lock-break (kvm_mmu_slot_remove_write_access) [C code]",
    statement: [
      "when an operation that narrowed a present leaf spte (made it not present, changed its pfn,",
      "cleared W, or cleared A by clear_bit where the MMU has A bits) completes, and when it releases mmu_lock after",
      "narrowing under it, no vCPU's TLB holds a translation the spte no longer allows: the operation",
      "flushed (kvm_flush_remote_tlbs or kvm_reload_remote_mmus), or no vCPU had it cached",
    ],
  },
  {
    name: "INV-UNMAP",
    level: "model",
    when: ["operation"],
    source: "spec §1.9 [C] (kvm_unmap_rmapp, kvm_handle_hva_range)",
    statement: [
      "when kvm_unmap_hva_range (or kvm_age_hva without A/D bits, or any handler on an invalid slot's rmap)",
      "returns, every spte that was present on an rmap of its range when it began is gone, unless another",
      "thread made it present again during the call or the slot of its rmap changed",
    ],
  },
  {
    name: "INV-AGE",
    level: "model",
    when: ["operation"],
    source: "spec §1.9 [C] (kvm_age_rmapp, kvm_test_age_rmapp)",
    statement: [
      "kvm_age_hva / kvm_test_age_hva return 0 only if no spte accessed on a valid rmap of the range at the",
      "call's start stayed unwritten by others throughout; 1 only if such a spte was accessed at some moment",
      "of the call; kvm_age_hva leaves the accessed sptes no other thread wrote not accessed",
    ],
  },
  {
    name: "INV-NO-LEAK",
    level: "representation",
    when: ["quiescence"],
    source: "spec §1.11 [I] (kvm_arch_free_memslot does not walk the heads)",
    statement: [
      "every rmap array, desc, memslot and shadow page still allocated is reachable from the installed",
      "memslots or active_mmu_pages: deleting a slot leaks nothing",
    ],
  },
  {
    name: "INV-MEM",
    level: "engine",
    when: ["step"],
    source: "spec §5 M1, M3, M4",
    statement: [
      "every access hits live memory of the expected kind (no use-after-free, no dereference of SKIP or",
      "of a never-allocated address)",
    ],
  },
  {
    name: "INV-LOCK",
    level: "engine",
    when: ["step", "quiescence"],
    source: "spec §1.11 [C]",
    statement: [
      "valid rmaps, shadow pages and slot ops change only under mmu_lock; only the holder releases it;",
      "no thread ends holding it",
    ],
  },
  {
    name: "INV-CTX",
    level: "engine",
    when: ["step"],
    source: "kernel might_sleep() and lockdep irq-safety",
    statement: [
      "no sleeping call (synchronize_srcu, synchronize_rcu) in atomic context (an RCU/SRCU callback,",
      "a spin lock held, an RCU read section); no lock taken both in a softirq callback and in process",
      "context; deferred work goes to an executor the design declares",
    ],
  },
  {
    name: "INV-REFINE",
    level: "model",
    when: ["step", "operation", "quiescence"],
    source: "docs/model.md",
    statement: [
      "the implementation's abstract state equals the model's: spte values at every spte step, the",
      "whole state at quiescence; return values agree (sequentially after every command; concurrently",
      "for fast_page_fault, whose return value follows its cmpxchg)",
    ],
  },
  {
    name: "KERNEL-BUG",
    level: "engine",
    when: ["step"],
    source: "mmu.c BUG()/BUG_ON()",
    statement: [
      "no BUG() fires",
    ],
  },
  {
    name: "DEADLOCK",
    level: "engine",
    when: ["step"],
    source: "runtime",
    statement: [
      "while some thread is not done, some thread is runnable",
    ],
  },
  {
    name: "LIVELOCK",
    level: "engine",
    when: ["step"],
    source: "runtime",
    statement: [
      "a run finishes within its step budget",
    ],
  },
] as const satisfies readonly Invariant[];

/** The name of a 2013-series invariant. */
export type InvariantName = (typeof INVARIANTS)[number]["name"];

const BY_NAME: ReadonlyMap<string, Invariant> = new Map(INVARIANTS.map((i) => [i.name, i]));

/** The table row of a name, or undefined for a name that is not an invariant. */
export function invariantNamed(name: string): Invariant | undefined {
  return BY_NAME.get(name);
}

/** One line: the statement's lines joined. */
export function statementOf(i: Invariant): string {
  return i.statement.join(" ");
}

/**
 * The model's own bijection (INV-COMPLETE over model states): every present
 * spte is in exactly the rmap its geometry names, and every entry is present.
 * Returns the violations, empty when it holds.
 */
export function modelBijection(s: ModelState): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const [key, refs] of s.rmaps) {
    for (const ref of refs) {
      seen.add(ref);
      if (!s.sptes.has(ref)) out.push(`rmap ${key} holds ${ref}, which is not present`);
      const { sp, index } = refParts(ref);
      const page = s.sps.get(sp);
      const r = page && rmapOf(s, page, index);
      if (r?.key !== key) out.push(`rmap ${key} holds ${ref}, which belongs in ${r?.key ?? "no rmap"}`);
    }
  }
  for (const ref of s.sptes.keys()) if (!seen.has(ref)) out.push(`spte ${ref} is present but in no rmap`);
  return out;
}
