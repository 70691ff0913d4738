/**
 * One exhaustive run for the bench's tables (`npx rmapcheck --exhaustive
 * [--subject S] --scenario NAME (--design D | --mutant M) --preemptions P`),
 * timed, and how its verdict reads in a table cell. Shared by bench/spin.ts
 * (subject series) and bench/exhaustive_lockless.ts.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { DEFAULT_SUBJECT, exhaustive, type ExhaustiveSummary, loadScenario, resolveVariant, type Subject, violatedInSetup } from "../checker";

/** BENCH_EXHAUSTIVE_SECONDS: each run's cap (default 900 s); a capped run reads "incomplete". */
export const MAX_SECONDS = Number(process.env.BENCH_EXHAUSTIVE_SECONDS ?? 900);

export function exhaustiveRun(scenario: string, design: string | null, mutant: string | null, preemptions: number | null, subject: Subject = DEFAULT_SUBJECT): { s: ExhaustiveSummary; seconds: number; cpu: number } {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const out = exhaustive({ variant: resolveVariant(design, mutant, subject), scenario: loadScenario(scenario), preemptions, maxSeconds: MAX_SECONDS });
  const c = process.cpuUsage(c0);
  return { s: out.summary, seconds: Number(process.hrtime.bigint() - t0) / 1e9, cpu: (c.user + c.system) / 1e6 };
}

/** "verified", "incomplete", "INV (in the set-up)" or "INV (P pre., N steps)". */
export const verdictCell = (s: ExhaustiveSummary): string =>
  s.verdict !== "violation" ? s.verdict : violatedInSetup(s) ? `${s.violation!.invariant} (in the set-up)` : `${s.violation!.invariant} (${s.violation!.preemptions} pre., ${s.violation!.atomicSteps} steps)`;

/** Replace the lines between `<!-- name:begin -->` and `<!-- name:end -->` of a doc; refuses a doc without them. */
export function replaceBetween(path: string, name: string, body: string[]): void {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const text = readFileSync(path, "utf8");
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${path} lacks the markers ${begin} / ${end}`);
  writeFileSync(path, `${text.slice(0, a + begin.length)}\n${body.join("\n")}\n${text.slice(b)}`);
}
