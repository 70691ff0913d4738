/**
 * The exhaustive mode under x86-TSO on a kernel scenario (runtime/machine.ts:
 * each store buffer's commit is an event; docs/exhaustive.md, "x86-TSO"):
 * the catalogue's store-buffer bug (handshake-no-mb, patch 08's smp_mb
 * removed) is found with the fewest preemptions and a counterexample that
 * shows the buffered store and replays; its correct twin is verified on the
 * same scenario and bound. (The engine against plain enumeration under
 * x86-TSO: dpor_tso.test.ts.)
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exhaustive } from "../checker/jobs/exhaustive";
import { fewestPreemptions } from "../checker/jobs/mutants";
import { replay } from "../checker/jobs/replay";
import { loadScenario } from "../checker/exhaustive/scenario_files";
import { serialize } from "../checker/report/cx_file";
import { stepNotes } from "../checker/report/step_notes";
import { resolveVariant } from "../checker/variants";

const scenario = loadScenario("unmap-direct");

describe("exhaustive x86-TSO on unmap-direct", () => {
  test("handshake-no-mb: INV-MEM with one preemption and none with zero; the store is buffered; the file replays", () => {
    const file = join(mkdtempSync(join(tmpdir(), "rmapcheck-tso-")), "cx.json");
    const options = { subject: "series", design: "v3-fixed", mutant: "handshake-no-mb", mode: "exhaustive" as const, seed: 0, runs: 0, sequences: 0, scheduler: "exhaustive", depth: 0, tso: true, scenario: "unmap-direct", preemptions: 1 };
    const header = { tool: { name: "rmapcheck", version: "test" }, options };
    const out = exhaustive({ variant: resolveVariant(null, "handshake-no-mb"), scenario, preemptions: 1 }, { save: (cx) => (writeFileSync(file, serialize(cx, header)), file) });
    const s = out.summary;
    expect({ verdict: s.verdict, model: s.memoryModel, invariant: s.violation?.invariant, preemptions: s.violation?.preemptions, none: s.violation?.noneWithFewer }).toEqual({
      verdict: "violation",
      model: "x86-tso",
      invariant: "INV-MEM",
      preemptions: 1,
      none: [0],
    });
    expect(out.text).toMatch(/x86-TSO/);
    const cx = out.counterexample!;
    expect(cx.tso).toBe(true);
    // The unmapper's publication is still in its buffer when another CPU reads the field.
    const notes = stepNotes(cx, resolveVariant(null, "handshake-no-mb"));
    const publish = cx.schedule.findIndex((x) => x.label.startsWith("unmap_invalid_rmap_nolock: store kvm->arch.being_unmapped_rmap"));
    expect(notes.buffered.has(publish)).toBe(true);
    expect([...notes.missed.values()].some((stores) => stores.includes(publish))).toBe(true);
    const again = replay(file);
    expect({ status: again.status, invariant: again.json.invariant, same: again.json.sameAsFile }).toEqual({ status: 1, invariant: "INV-MEM", same: true });
  });

  test("v3-fixed, the same scenario and bound under x86-TSO: verified", () => {
    const s = exhaustive({ variant: resolveVariant("v3-fixed", null), scenario, preemptions: 1, tso: true }).summary;
    expect({ verdict: s.verdict, model: s.memoryModel }).toEqual({ verdict: "verified", model: "x86-tso" });
    expect(s.exhaustive.executions).toBeGreaterThan(100);
  });

  test("--cross-check under x86-TSO: plain enumeration within one preemption reaches no class the reduced search missed", () => {
    const s = exhaustive({ variant: resolveVariant("v3-fixed", null), scenario, preemptions: 1, tso: true, crossCheck: { bound: 1 } }).summary;
    expect({ verdict: s.verdict, missed: s.crossCheck?.missed, complete: s.crossCheck?.complete }).toEqual({ verdict: "verified", missed: 0, complete: true });
    expect(s.crossCheck!.plainClasses).toBeGreaterThan(5);
  });

  test("--mutants' fewest preemptions for handshake-no-mb come from the exhaustive mode under x86-TSO", () => {
    expect(fewestPreemptions(resolveVariant(null, "handshake-no-mb"))).toEqual({ scenario: "unmap-direct", fewestPreemptions: 1 });
  });
});
