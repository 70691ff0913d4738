/**
 * The counterexample file: configuration, operations, preemptions and the
 * schedule as (thread, step label) pairs. `--replay` reads it back; anything
 * malformed is reported in one line (UsageError), never as a stack trace.
 */
import { readFileSync } from "node:fs";
import { BadInput } from "../bad_input";
import type { Variant } from "../subject";
import { findSubject } from "../variants";
import type { Counterexample } from "./counterexample";

export const FILE_VERSION = 1;

export function serialize(cx: Counterexample): string {
  return `${JSON.stringify({ version: FILE_VERSION, ...cx }, null, 1)}\n`;
}

function fail(path: string, what: string): never {
  throw new BadInput(`malformed replay file ${path}: ${what}`);
}

function int(path: string, v: unknown, what: string, min = 0, max = 1 << 20): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) fail(path, `${what} must be an integer in [${min}, ${max}]`);
  return v;
}

/** A counterexample file, read and validated, with its variant resolved. */
export interface LoadedCounterexample {
  cx: Counterexample;
  variant: Variant;
}

/** Read and validate a counterexample file. */
export function load(path: string): LoadedCounterexample {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new BadInput(`cannot read replay file ${path}: ${(e as NodeJS.ErrnoException).code ?? "error"}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    fail(path, "not JSON");
  }
  const f = raw as Record<string, unknown>;
  if (typeof f !== "object" || f === null) fail(path, "not an object");
  if (f.version !== FILE_VERSION) fail(path, `version must be ${FILE_VERSION}`);
  const t = f.trace as Record<string, unknown> | undefined;
  if (typeof t !== "object" || t === null) fail(path, "no trace");
  const subject = t.subject === undefined || typeof t.subject === "string" ? findSubject(t.subject as string | undefined) : undefined;
  if (subject === undefined) fail(path, `unknown subject ${JSON.stringify(t.subject)}`);
  const design = typeof t.design === "string" ? subject.designs.find((d) => d.name === t.design) : undefined;
  if (design === undefined) fail(path, `unknown design ${JSON.stringify(t.design)}`);
  const mutant = f.mutant === undefined ? null : typeof f.mutant === "string" ? subject.mutants.find((m) => m.name === f.mutant) : undefined;
  if (mutant === undefined) fail(path, `unknown mutant ${JSON.stringify(f.mutant)}`);
  const bad = (what: string): never => fail(path, what);
  subject.checkConfig(t.config, bad);
  if (!Array.isArray(t.setup)) fail(path, "setup must be a list");
  t.setup.forEach((o, i) => subject.checkOp(o, `setup[${i}]`, bad));
  if (!Array.isArray(t.threads) || t.threads.length === 0 || t.threads.length > 8) fail(path, "threads must be a list of 1 to 8 threads");
  t.threads.forEach((th: Record<string, unknown>, i: number) => {
    if (!subject.roles.includes(th?.role as string)) fail(path, `threads[${i}].role is unknown`);
    if (!Array.isArray(th.ops)) fail(path, `threads[${i}].ops must be a list`);
    th.ops.forEach((o, j) => subject.checkOp(o, `threads[${i}].ops[${j}]`, bad));
  });
  const n = t.threads.length;
  if (!Array.isArray(t.preemptions)) fail(path, "preemptions must be a list");
  t.preemptions.forEach((p: Record<string, unknown>, i: number) => {
    int(path, p?.thread, `preemptions[${i}].thread`, 0, n - 1);
    int(path, p?.after, `preemptions[${i}].after`);
    int(path, p?.to, `preemptions[${i}].to`, 0, n - 1);
  });
  if (!Array.isArray(f.schedule)) fail(path, "schedule must be a list of {thread, label}");
  f.schedule.forEach((s: Record<string, unknown>, i: number) => {
    int(path, s?.thread, `schedule[${i}].thread`, 0, n - 1);
    if (typeof s.label !== "string") fail(path, `schedule[${i}].label must be a string`);
  });
  const v = f.violation as Record<string, unknown> | undefined;
  if (typeof v !== "object" || v === null || typeof v.invariant !== "string" || !subject.hasInvariant(v.invariant)) fail(path, "violation.invariant must name an invariant");
  return { cx: f as unknown as Counterexample, variant: subject.variant(design.name, mutant?.name ?? null) };
}
