/**
 * A search under x86-TSO whose failing run needed no store buffer reports,
 * saves and replays that run in its sequentially consistent form
 * (checker/search/sc_form.ts): `--replay` refuses a file that says x86-TSO on
 * a schedule that needs no buffer, so writing one would hand the user a
 * replay command that fails. Both search modes, each with a run of L6 (the
 * ager's use-after-free needs no store buffer), the series' plainest
 * `npx rmapcheck --tso` (F1), and the converse: a store-buffer bug keeps its
 * x86-TSO form.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { check, replay, serialize } from "../checker";
import { loadScenario } from "../checker/exhaustive/scenario_files";
import { exhaustive } from "../checker/jobs/exhaustive";
import type { Counterexample } from "../checker/report/counterexample";
import { cpuThreads } from "../checker/search/sc_form";
import { resolveVariant } from "../checker/variants";
import { lvariant } from "./lockless_support";

const dir = mkdtempSync(join(tmpdir(), "rmapcheck-scform-"));

/** Save `cx` as a search would (with the options of an x86-TSO search), then replay it. */
function savedAndReplayed(cx: Counterexample, name: string, scenario?: string): { status: number; text: string } {
  const path = join(dir, name);
  const mode = scenario === undefined ? { mode: "sampled" as const, seed: 14, runs: 5000, sequences: 300, scheduler: "pct", depth: 3 } : { mode: "exhaustive" as const, seed: 0, runs: 0, sequences: 0, scheduler: "exhaustive", depth: 0, scenario, preemptions: 2 };
  const options = { subject: "lockless-aging", design: cx.trace.design, mutant: cx.mutant ?? null, ...mode, tso: true };
  writeFileSync(path, serialize(cx, { tool: { name: "rmapcheck", version: "0.1.0" }, options }));
  const r = replay(path);
  return { status: r.status, text: r.text };
}

describe("an x86-TSO run that needed no store buffer is shown in its sequentially consistent form", () => {
  test("exhaustive --tso on L6's scenario: no commit step, no tso flag, the replay reproduces it exactly", () => {
    const variant = lvariant("merged");
    const out = exhaustive({ variant, scenario: loadScenario("lockless-elided-add-vs-zap"), preemptions: 2, tso: true });
    expect(out.summary.memoryModel).toBe("x86-tso");
    expect(out.summary.verdict).toBe("violation");
    expect(out.text).toMatch(/needed no store buffer[^]*shown under sequential consistency/);
    const cx = out.counterexample!;
    expect(cx.tso).toBeUndefined();
    expect(cx.violation.invariant).toBe("INV-MEM");
    expect(cx.schedule.every((s) => s.thread < cpuThreads(cx.trace, variant))).toBe(true);
    const r = savedAndReplayed(cx, "exhaustive.json", "lockless-elided-add-vs-zap");
    expect(r.status).toBe(1);
    expect(r.text).toMatch(/exactly: INV-MEM at step/);
  });

  test("sampled --tso (merged-aligned-callers, seed 14 meets L6): the reported run replays as saved", () => {
    let saved: Counterexample | null = null;
    const s = check({ variant: lvariant("merged-aligned-callers"), seed: 14, runs: 5000, sequences: 0, scheduler: "pct", depth: 3, tso: true }, { save: (cx) => ((saved = cx), "saved.json") });
    expect(s.summary.violation?.invariant).toBe("INV-MEM");
    expect(s.text).toMatch(/it needed no store buffer, so it is shown under\s+sequential\s+consistency/);
    const cx = saved as Counterexample | null;
    expect(cx).not.toBeNull();
    expect(cx!.tso).toBeUndefined();
    const r = savedAndReplayed(cx!, "sampled.json");
    expect(r.status).toBe(1);
    expect(r.text).toMatch(/exactly: INV-MEM/);
  });

  test("the series' default check with --tso (v3, seed 1, F1): the reported run replays as saved (before session 6 its replay was refused)", () => {
    let saved: Counterexample | null = null;
    const s = check({ variant: resolveVariant("v3", null), seed: 1, runs: 5000, sequences: 0, scheduler: "pct", depth: 3, tso: true }, { save: (cx) => ((saved = cx), "saved.json") });
    expect(s.summary.violation?.invariant).toBe("INV-SP-LIVE");
    const cx = saved as Counterexample | null;
    expect(cx!.tso).toBeUndefined();
    const path = join(dir, "series.json");
    const options = { subject: "series", design: "v3", mutant: null, mode: "sampled" as const, seed: 1, runs: 5000, sequences: 0, scheduler: "pct", depth: 3, tso: true };
    writeFileSync(path, serialize(cx!, { tool: { name: "rmapcheck", version: "0.1.0" }, options }));
    const r = replay(path);
    expect(r.status).toBe(1);
    expect(r.text).toMatch(/exactly: INV-SP-LIVE/);
  });

  test("a store-buffer bug keeps its x86-TSO form (its schedule has commit steps and a missed load)", () => {
    const out = exhaustive({ variant: resolveVariant("v3-fixed", "handshake-no-mb"), scenario: loadScenario("unmap-direct"), preemptions: 2, tso: true });
    expect(out.summary.verdict).toBe("violation");
    expect(out.counterexample!.tso).toBe(true);
    expect(out.text).not.toMatch(/needed no store buffer/);
  });

  test("a sequentially consistent file made by an x86-TSO search is accepted (the converse stays refused: replay_refusal.test.ts)", () => {
    const good = join(__dirname, "corpus", "v3-INV-SP-LIVE-seed1.json");
    const f = JSON.parse(readFileSync(good, "utf8")) as Record<string, any>;
    f.version = 2;
    f.tool = { name: "rmapcheck", version: "0.1.0" };
    f.options = { subject: "series", design: "v3", mutant: null, mode: "sampled", seed: 1, runs: 5000, sequences: 300, scheduler: "pct", depth: 3, tso: true };
    const path = join(dir, "sc-from-tso-search.json");
    writeFileSync(path, JSON.stringify(f));
    expect(replay(path).status).toBe(1);
  });
});
