/**
 * Why a Stryker mutant of impl/ survives the property suite: each entry
 * matches a file and the mutated line, and says whether the mutant is
 * equivalent (and why) or which gap in the properties lets it live.
 * "GAP" entries are work to do; "EQUIVALENT" ones cannot be killed.
 */
interface Reason {
  file: RegExp;
  line: RegExp;
  why: string;
}

const TLB = "EQUIVALENT under the model: TLB flushes are simulated only as waits for vCPUs in guest mode; no ghost TLB records stale translations (spec §5 M12's optional ghost TLB is not built), so a missing or extra flush is not observable. GAP if a ghost TLB is added.";
const VOLATILE = "GAP: the fast (load + store) versus slow (xchg) choice matters only when hardware or fast_page_fault writes the spte between the two steps; the mutation suite's small concurrent budget rarely builds that race. properties/races.test.ts and corpus/fixed/baseline-INV-AD-seed2.json (added after this run) cover the main windows.";
const LEAK = "GAP in this run: no invariant said that deleting a slot leaves no rmap array or desc allocated (a leak is not a use-after-free). INV-NO-LEAK, added after the run, checks exactly that at quiescence and after every sequential command.";

const REASONS: Reason[] = [
  { file: /spte_bits\.ts$/, line: /spte_is_locklessly_modifiable|return true;|if \(!a\)|is_shadow_present_pte\(spte\)\) return false|spte & a &&/, why: VOLATILE },
  { file: /spte\.ts$/, line: /spte_has_volatile_bits|mask|if \(!A\) return ret|spte_is_bit_cleared/, why: "Not in the current code: this run mutated the pre-3.6 mmu_spte_update, replaced by the v3.10 one after the run (docs/findings.md)." },
  { file: /spte\.ts$/, line: /is_shadow_present_pte\(old_spte\)\) \{/, why: "EQUIVALENT in practice: callers (set_spte via mmu_set_spte, spte_write_protect) call mmu_spte_update only on present sptes under mmu_lock; the non-present branch (mmu_spte_set) is unreachable in the generated operations." },
  { file: /spte\.ts$/, line: /mmu_spte_clear_no_track/, why: "EQUIVALENT: mmu_spte_clear_no_track is used only for non-leaf and MMIO sptes, which are not simulated; only the mutant catalogue calls it." },
  { file: /spte_bits\.ts$/, line: /MAX_PFN/, why: "EQUIVALENT: a documentation constant, never read." },
  { file: /spte_bits\.ts$/, line: /level === 1 \|\| is_large_pte/, why: "EQUIVALENT: every simulated spte of a level > 1 page is large, so is_last_spte is always true for present sptes." },
  { file: /(hva|write_protect|handlers)\.ts$/, line: /flushRemoteTlbs/, why: TLB },
  { file: /designs\.ts$/, line: /commit_zap_waits_for_unmapper|invalid_list\.length/, why: "GAP: v3-fixed's commit wait is exercised by the corpus and designs tests only; an empty commit or one that frees nothing leaks pages, which no invariant catches (see the leak gap)." },
  { file: /designs\.ts$/, line: /baseline_flush_shadow_all|baseline_free_memslot/, why: LEAK },
  { file: /memslot_lifecycle\.ts$/, line: /kvm_arch_free_memslot|level <= KVM_NR_PAGE_SIZES|kvm_kvfree|kvm_free_memslot|while \(desc\)|for \(const slot of slots\)|kfree\(old memslots|slots\.length; i\+\+\)/, why: LEAK },
  { file: /pte_list\.ts$/, line: /mmu_free_pte_list_desc/, why: LEAK },
  { file: /memslot_lifecycle\.ts$/, line: /base_gfn < b \+/, why: "GAP: creating a slot that touches another's last gfn exactly is never generated (slots are at gfn 0 and 8 with at most 8 pages)." },
  { file: /memslot\.ts$/, line: /rmap_array_len|init_memslot_rmap_ops/, why: "EQUIVALENT in practice: a longer rmap array has extra empty heads that nothing indexes; ops 0 is read as normal (only RMAP_OPS_INVALID is tested for)." },
  { file: /rmap_iterator\.ts$/, line: /if \(!rmap\) return 0|if \(sptep\) return sptep/, why: "EQUIVALENT: with an empty head the direct-form branch returns the same 0; a NULL entry is only ever followed by a NULL `more` (packing), so returning it ends the walk the same way." },
  { file: /pte_list\.ts$/, line: /i < EXT|i <= EXT|i === EXT|if \(!e\) break|EXT - 1|moved \|\| j <= i/, why: "EQUIVALENT or unreachable: reading one word past the entries reads `more`, which never equals a spte; the i === EXT BUG is unreachable in a packed list; the back-fill scan always stops at the entry being removed." },
  { file: /pte_list\.ts$/, line: /else if \(prev_desc\)|\} else \{/, why: "GAP: unlinking the first desc of a chain of two or more (head = desc->more | 1) is rare in generated traces (see the coverage counters); the mutation suite's 150 sequences miss it." },
  { file: /pte_list_clear_concurrently\.ts$/, line: /desc->sptes\[|kind === "rmap"/, why: "EQUIVALENT: label text only (the step's kind and address are unchanged)." },
  { file: /pte_list_clear_concurrently\.ts$/, line: /if \(!head\) return null|head & 1|PTE_LIST_EXT|if \(!e\) break/, why: "EQUIVALENT or unreachable: an empty head finds nothing either way; a direct head is never odd; reading `more` as an entry never matches a spte." },
  { file: /mmu_page\.ts$/, line: /throw new MemoryFault/, why: "EQUIVALENT: page_header's own checks are redundant with the memory's, which raise the same fault on the next access." },
  { file: /mmu_page\.ts$/, line: /if \(invalid\) continue|splice|invalid_list\.length === 0/, why: "EQUIVALENT in practice: zapped pages are removed from active_mmu_pages in the same critical section, so the role.invalid test never sees one; an empty commit does nothing observable." },
  { file: /page_fault\.ts$/, line: /level > 1; level--|start >= base && start \+ size|is_shadow_present_pte\(old\)|rmap_count: -1/, why: "GAP or EQUIVALENT: mapping_level's bounds and the present test are exercised only at slot edges the generators rarely build; the -1 of a failed translation is normalised to -2 before comparison." },
  { file: /hva\.ts$/, line: /hva_start >= hva_end/, why: "EQUIVALENT: with hva_start >= hva_end the gfn range is empty and the loop below visits nothing (for > the next line's ranges are empty too)." },
  { file: /hardware\.ts$/, line: /old === spte/, why: "GAP: fast_page_fault's return value is compared sequentially, where the cmpxchg never fails; it fails only in a race the small budget rarely builds." },
  { file: /handlers\.ts$/, line: /BUG_ON|PT_PRESENT_MASK/, why: "EQUIVALENT: in a correct implementation every spte of a valid rmap is present, so the BUG_ON never fires." },
  { file: /handlers\.ts$/, line: /if \(!A\) return 0/, why: "EQUIVALENT: without A/D bits no spte has A set, so the loop finds nothing young either." },
  { file: /(handlers|invalid_rmap)\.ts$/, line: /return false;/, why: "EQUIVALENT: spte_write_protect's `false` for a read-only spte and invalid_rmap_write_protect's value are not compared: the flush result only decides a TLB flush (see the TLB entry) and the invalid handler is never reached without a WARN." },
  { file: /config\.ts$/, line: /KERNEL_CONFIG/, why: "GAP: the kernel-constants test does not depend on adBits." },
];

export function explain(file: string, line: string, mutator: string, replacement: string): string {
  for (const r of REASONS) if (r.file.test(file) && r.line.test(line)) return r.why;
  return "not yet analysed";
}
