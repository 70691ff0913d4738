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

const EXTRA_FLUSH = "EQUIVALENT: an extra kvm_flush_remote_tlbs is never wrong, only slower. A missing one is caught: the same line's `false` mutant is killed by INV-TLB (the ghost TLB).";

const REASONS: Reason[] = [
  { file: /(hva|write_protect|handlers)\.ts$/, line: /flushRemoteTlbs/, why: EXTRA_FLUSH },
  { file: /handlers\.ts$/, line: /return false;/, why: "EQUIVALENT: spte_write_protect's value only decides whether the caller flushes TLBs; `true` for a read-only spte asks for an extra flush (see the flush entries)." },
  { file: /handlers\.ts$/, line: /BUG_ON|PT_PRESENT_MASK/, why: "EQUIVALENT: in a correct implementation every spte of a valid rmap is present, so the BUG_ON never fires." },
  { file: /handlers\.ts$/, line: /if \(!A\) return 0/, why: "EQUIVALENT: without A/D bits no spte has A set, so the loop finds nothing young either." },
  { file: /spte\.ts$/, line: /is_shadow_present_pte\(old_spte\)\) \{/, why: "EQUIVALENT: for a non-present old spte nothing is volatile, so the fast path does the same plain store of new_spte as mmu_spte_set, and no W, A or D is cleared, so nothing more happens." },
  { file: /spte\.ts$/, line: /if \(!A\) return ret/, why: "EQUIVALENT: with shadow_accessed_mask 0, spte_is_bit_cleared against a 0 mask is false, so the two propagations below do nothing either." },
  { file: /spte\.ts$/, line: /spte_is_bit_cleared\(old_spte, new_spte, A\)/, why: "GAP in this run, closed after it: an update clears A only when hardware sets A between mmu_spte_update's load and its xchg on an aged spte. properties/races.test.ts \"a dirty-log write-protect against a hardware read of an aged spte\", added after the run, builds that window on every schedule and fails with this mutant applied by hand (INV-AD)." },
  { file: /spte_bits\.ts$/, line: /MAX_PFN/, why: "EQUIVALENT: a documentation constant, never read." },
  { file: /spte_bits\.ts$/, line: /level === 1 \|\| is_large_pte/, why: "EQUIVALENT: every simulated spte of a level > 1 page is large, so is_last_spte is always true for present sptes." },
  { file: /designs\.ts$/, line: /baseline_flush_shadow_all/, why: "EQUIVALENT: kvm_destroy_vm runs kvm_mmu_zap_all right after kvm_arch_flush_shadow_all, and the baseline's flush_shadow_all is that same zap, so emptying it leaves the second zap to do the same work." },
  { file: /designs\.ts$/, line: /invalid_list\.length === 0/, why: "EQUIVALENT: with nothing to free, v3-fixed's commit only adds an smp_mb, a TLB flush and a wait for an unmapper to finish: no state changes, and an extra flush is never wrong." },
  { file: /memslot_lifecycle\.ts$/, line: /slots\.length; i\+\+\)/, why: "EQUIVALENT: writes one more field of the new memslots array (it has KVM_MEM_SLOTS_NUM entries) past nslots, which every reader stops at." },
  { file: /memslot_lifecycle\.ts$/, line: /kvm_kvfree\(rmap\[/, why: "EQUIVALENT: label text only (the step frees the same array)." },
  { file: /memslot\.ts$/, line: /rmap_array_len|init_memslot_rmap_ops/, why: "EQUIVALENT in practice: a longer rmap array has extra empty heads that nothing indexes; ops 0 is read as normal (only RMAP_OPS_INVALID is tested for)." },
  { file: /rmap_iterator\.ts$/, line: /if \(!rmap\) return 0|if \(sptep\) return sptep/, why: "EQUIVALENT: with an empty head the direct-form branch returns the same 0; a NULL entry is only ever followed by a NULL `more` (packing), so returning it ends the walk the same way." },
  { file: /pte_list\.ts$/, line: /i < EXT|i <= EXT|i === EXT|if \(!e\) break|EXT - 1|moved \|\| j <= i/, why: "EQUIVALENT or unreachable: reading one word past the entries reads `more`, which never equals a spte; the i === EXT BUG is unreachable in a packed list; the back-fill scan always stops at the entry being removed." },
  { file: /pte_list_clear_concurrently\.ts$/, line: /desc->sptes\[|kind === "rmap"/, why: "EQUIVALENT: label text only (the step's kind and address are unchanged)." },
  { file: /pte_list_clear_concurrently\.ts$/, line: /if \(!head\) return null|head & 1|PTE_LIST_EXT|if \(!e\) break/, why: "EQUIVALENT or unreachable: an empty head finds nothing either way; a direct head is never odd; reading `more` as an entry never matches a spte." },
  { file: /mmu_page\.ts$/, line: /throw new MemoryFault/, why: "EQUIVALENT: page_header's own checks are redundant with the memory's, which raise the same fault on the next access." },
  { file: /mmu_page\.ts$/, line: /if \(invalid\) continue|splice|invalid_list\.length === 0/, why: "EQUIVALENT in practice: zapped pages are removed from active_mmu_pages in the same critical section, so the role.invalid test never sees one; an empty commit does nothing observable." },
  { file: /page_fault\.ts$/, line: /level > 1; level--/, why: "EQUIVALENT: at level 1 the region is the faulting gfn itself, which lies inside the slot, so the loop returns 1 either way." },
  { file: /page_fault\.ts$/, line: /is_shadow_present_pte\(old\)/, why: "EQUIVALENT: a non-present old spte is 0, whose pfn 0 never equals a host pfn (they start at 0x100), so the mutant drops a non-present spte (mmu_spte_clear_track_bits finds nothing, drop_spte removes no rmap entry) and flushes: no state changes." },
  { file: /page_fault\.ts$/, line: /rmap_count: -1/, why: "EQUIVALENT: a failed translation's rmap_count is never read; the result is compared through `mapped` (false), which the property maps to -2." },
  { file: /hva\.ts$/, line: /hva_start >= hva_end/, why: "EQUIVALENT: with hva_start >= hva_end the gfn range is empty and the loop below visits nothing (for > the next line's ranges are empty too)." },
];

export function explain(file: string, line: string, mutator: string, replacement: string): string {
  for (const r of REASONS) if (r.file.test(file) && r.line.test(line)) return r.why;
  return "not yet analysed";
}
