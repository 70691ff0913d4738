/**
 * x86-TSO counterexamples say what the store buffers did: a store that went
 * into a buffer is marked "(buffered)", a read of a word another CPU still
 * holds a buffered store to is marked with the store it missed. The pinned
 * counterexample is the store-buffer pattern of patch 08 without its smp_mb
 * (mutant handshake-no-mb, docs/mutants.md).
 */
import { join } from "node:path";
import { loadCounterexample } from "../checker/report/cx_read";
import { formatter } from "../checker/report/format";
import { stepNotes } from "../checker/report/step_notes";

const file = join(__dirname, "corpus", "v3-fixed-handshake-no-mb-INV-MEM-tso-seed3.json");

describe("x86-TSO counterexamples", () => {
  const { cx, variant } = loadCounterexample(file);

  test("the unmapper's publication of being_unmapped_rmap is still buffered when the lock holder reads the field, twice", () => {
    const notes = stepNotes(cx, variant);
    const publish = cx.schedule.findIndex((s) => s.label === "unmap_invalid_rmap_nolock: store kvm->arch.being_unmapped_rmap = rmapp");
    expect(notes.buffered.has(publish)).toBe(true);
    const readers = [...notes.missed].filter(([, stores]) => stores.includes(publish)).map(([load]) => cx.schedule[load]!);
    expect(readers.map((s) => s.label)).toEqual([
      "invalid_rmap_remove: spin while kvm->arch.being_unmapped_rmap == rmapp",
      "kvm_mmu_commit_zap_page: spin until kvm->arch.being_unmapped_rmap == NULL",
    ]);
    expect(readers.every((s) => s.thread !== cx.schedule[publish]!.thread)).toBe(true);
    // No drain of the unmapper's buffer comes between the store and those reads.
    const last = Math.max(...[...notes.missed.keys()]);
    expect(cx.schedule.slice(publish, last).some((s) => s.thread >= cx.trace.threads.length && s.thread - cx.trace.threads.length === cx.schedule[publish]!.thread)).toBe(false);
  });

  test("both printed forms carry the notes, the narrow one within 80 columns", () => {
    for (const f of ["wide", "narrow"] as const) {
      const text = formatter(f, null)(cx, variant, "npx rmapcheck --replay F");
      expect(text).toMatch(/rmapp \(buffered\)/);
      expect(text).toMatch(/misses the buffered store of step 11/);
      if (f === "narrow") expect(Math.max(...text.split("\n").map((l) => l.length))).toBeLessThanOrEqual(80);
    }
  });

  test("a counterexample under sequential consistency has no store-buffer notes, only sites", () => {
    const sc = loadCounterexample(join(__dirname, "corpus", "v3-INV-SP-LIVE-seed1.json"));
    expect(sc.cx.tso ?? false).toBe(false);
    const notes = stepNotes(sc.cx, sc.variant);
    expect(notes.sites.size).toBeGreaterThan(0);
    expect(notes.buffered.size + notes.missed.size + notes.stillBuffered.length).toBe(0);
  });
});
