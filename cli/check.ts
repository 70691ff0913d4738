/**
 * The main job: check one design (optionally with one mutant) sequentially
 * against the model, then under generated concurrent traces; print what was
 * checked and, on a violation, the shrunk counterexample and how to replay it.
 */
import fc from "fast-check";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { DESIGNS } from "../impl/designs";
import { mutantNamed } from "../impl/mutants";
import { type Counterexample, formatCounterexample } from "../properties/counterexample";
import { explore } from "../properties/explore";
import { newSeqStats, runCommand, type SeqStats } from "../properties/sequential_check";
import type { OpCommand } from "../properties/sequential_commands";
import { initialModel, makeWorld, type WorldConfig } from "../properties/world";
import { Thread } from "../runtime/thread";
import { sequentialProperty } from "../properties/sequential_property";
import { Violation } from "../runtime/violation";
import { serialize } from "../properties/cx_file";
import { writeAtomic } from "./files";
import type { Options } from "./options";

export interface ViolationSummary {
  phase: "sequential" | "concurrent";
  invariant: string;
  detail: string;
  diff: string[];
  operations: number;
  atomicSteps: number;
  preemptions: number;
  file: string | null;
  replay: string;
}

export interface Summary {
  ok: boolean;
  design: string;
  mutant: string | null;
  scheduler: string;
  seed: number;
  tso: boolean;
  runs: number;
  steps: number;
  invariantChecks: number;
  elapsedMs: number;
  sequential: SeqStats;
  violation: ViolationSummary | null;
  /** Sequences plus concurrent runs until the first violation (null: none). */
  runsToDetection: number | null;
  /** Wall time until the first violation was seen, before shrinking (null: none). */
  msToDetection: number | null;
}

export interface CheckOutput {
  summary: Summary;
  /** The human-readable report (stdout without --json). */
  text: string;
}

function optionsLine(o: Options): string {
  return [`--design ${o.design}`, o.mutant && `--mutant ${o.mutant}`, `--seed ${o.seed}`, o.tso && "--tso"].filter(Boolean).join(" ");
}

function sequentialPhase(o: Options, stats: SeqStats): { text: string[]; violation: ViolationSummary | null; runs: number } {
  if (o.sequences === 0) return { text: ["sequential: skipped (--sequences 0)"], violation: null, runs: 0 };
  const overrides = o.mutant ? mutantNamed(o.mutant)!.overrides : {};
  const r = fc.check(sequentialProperty(DESIGNS[o.design]!, overrides, undefined, stats), { numRuns: o.sequences, seed: o.seed });
  const head = `sequential: ${stats.sequences} command sequences, ${stats.commands} commands, ${stats.steps} atomic steps, ${stats.invariantChecks} invariant checks`;
  if (!r.failed) return { text: [`${head}: ok`], violation: null, runs: r.numRuns };
  const err = r.errorInstance;
  const v = err instanceof Violation ? err : new Violation("KERNEL-BUG", String(err));
  const [cfg, cmds] = r.counterexample as [WorldConfig, Iterable<unknown> & { toString(): string }];
  const commands = String(cmds)
    .replace(/\s*\/\*replayPath=.*?\*\//g, "")
    .split(/(?<=\)),/)
    .filter((c) => c.trim() !== "");
  const steps = sequentialSteps(o, cfg, cmds);
  const replay = `npm start -- ${optionsLine(o)} --sequences ${o.sequences}`;
  const text = [
    `${head}: VIOLATION of ${v.invariant}`,
    `  ${v.detail}`,
    `  configuration: ${JSON.stringify(cfg)}`,
    "  commands (shrunk by fast-check):",
    ...commands.map((c) => `    ${c.trim()}`),
    ...(v.diff.length > 0 ? ["  model versus implementation:", ...v.diff.slice(0, 12).map((d) => `    ${d}`)] : []),
    `  fast-check seed ${o.seed}, path ${r.counterexamplePath}`,
    `replay: ${replay}`,
  ];
  return { text, violation: { phase: "sequential", invariant: v.invariant, detail: v.detail, diff: v.diff, operations: commands.length, atomicSteps: steps, preemptions: 0, file: null, replay }, runs: r.numRuns };
}

/** The atomic steps of a shrunk sequential counterexample, up to its failure (run again on a fresh world). */
function sequentialSteps(o: Options, cfg: WorldConfig, cmds: Iterable<unknown>): number {
  const t = new Thread(0, "vcpu0", []);
  const w = makeWorld(cfg, DESIGNS[o.design]!, [t], { warnIsFatal: false }, o.mutant ? mutantNamed(o.mutant)!.overrides : {});
  let model = initialModel(cfg);
  try {
    for (const c of cmds) {
      const cmd = (c as { cmd?: OpCommand }).cmd ?? (c as OpCommand);
      model = runCommand(w, t, model, cmd.op);
    }
  } catch {
    // the failure the counterexample shows
  }
  return w.machine.stepIndex;
}

export function cxFileName(o: Options, cx: Counterexample): string {
  const parts = [o.design, o.mutant, cx.violation.invariant, `seed${o.seed}`].filter(Boolean);
  return join(o.out, `${parts.join("-")}.json`);
}

export function check(options: Options, progress: (line: string) => void): CheckOutput {
  const t0 = Date.now();
  // A memory-ordering mutant is only observable under x86-TSO: --mutant turns it on.
  const o = options.mutant !== null && mutantNamed(options.mutant)!.needsTso ? { ...options, tso: true } : options;
  const seq = newSeqStats();
  const lines: string[] = [`rmapcheck: ${optionsLine(o)}, scheduler ${o.scheduler}${o.scheduler === "pct" ? ` (depth ${o.depth})` : ""}`];
  progress(`[rmapcheck] sequential refinement: ${o.sequences} command sequences`);
  const s = sequentialPhase(o, seq);
  lines.push(...s.text);
  let violation = s.violation;
  let runsToDetection: number | null = violation === null ? null : s.runs;
  let msToDetection: number | null = violation === null ? null : Date.now() - t0;
  let runs = 0;
  let steps = seq.steps;
  let invariantChecks = seq.invariantChecks;
  if (violation === null) {
    progress(`[rmapcheck] concurrent traces: up to ${o.runs} runs`);
    const tc = Date.now();
    let file: string | null = null;
    const mutant = o.mutant ? mutantNamed(o.mutant)! : undefined;
    const r = explore({
      design: o.design,
      seed: o.seed,
      runs: o.runs,
      scheduler: o.scheduler,
      depth: o.depth,
      tso: o.tso,
      ...(mutant ? { mutant: { name: mutant.name, overrides: mutant.overrides } } : {}),
      every: Math.max(1, Math.floor(o.runs / 10)),
      progress: (p) => progress(`[rmapcheck]   ${p.runs} runs, ${p.steps} atomic steps, ${p.invariantChecks} invariant checks`),
      found: (cx) => {
        const name = cxFileName(o, cx);
        writeAtomic(name, serialize(cx));
        // A better counterexample may break another invariant: keep one file per search.
        if (file !== null && file !== name) rmSync(file, { force: true });
        file = name;
      },
    });
    runs = r.runs;
    steps += r.steps;
    invariantChecks += r.invariantChecks;
    const head = `concurrent: ${r.runs} runs, ${r.steps} atomic steps, ${r.invariantChecks} invariant checks`;
    if (r.counterexample === null) {
      lines.push(`${head}: ok`);
    } else {
      const cx = r.counterexample;
      const replay = `npm start -- --replay ${file}`;
      runsToDetection = s.runs + r.runsToDetection!;
      msToDetection = tc - t0 + r.msToDetection!;
      lines.push(`${head}: VIOLATION of ${cx.violation.invariant} (first seen after ${r.runsToDetection} runs; shrunk and made 1-minimal)`, "");
      lines.push(formatCounterexample(cx, replay), "", `counterexample saved to ${file}`);
      const ops = cx.trace.setup.length + cx.trace.threads.reduce((n, t) => n + t.ops.length, 0);
      violation = { phase: "concurrent", invariant: cx.violation.invariant, detail: cx.violation.detail, diff: cx.violation.diff, operations: ops, atomicSteps: cx.schedule.length, preemptions: cx.trace.preemptions.length, file, replay };
    }
  }
  lines.push(violation === null ? "result: ok, no violation found" : `result: VIOLATION of ${violation.invariant}`);
  const summary: Summary = {
    ok: violation === null,
    design: o.design,
    mutant: o.mutant,
    scheduler: o.scheduler,
    seed: o.seed,
    tso: o.tso,
    runs,
    steps,
    invariantChecks,
    elapsedMs: Date.now() - t0,
    sequential: seq,
    violation,
    runsToDetection,
    msToDetection,
  };
  return { summary, text: lines.join("\n") };
}
