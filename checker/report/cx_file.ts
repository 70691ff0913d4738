/**
 * The counterexample file: the tool and options that made it, the
 * configuration, operations, preemptions and the schedule as (thread, step
 * label) pairs. `--replay` reads it back. A file is validated by zod schemas
 * (the generic shape here, each subject's configuration and operations in its
 * own schema) before anything runs: a damaged file is "malformed file FILE:
 * FIELD: reason", never blamed on the code.
 */
import { z } from "zod";
import { BadInput } from "../bad_input";
import { engineThreadsOf, type Subject, type Variant } from "../subject";
import { findSubject } from "../variants";
import type { Counterexample } from "./counterexample";

/** Version 2 adds `tool`, `options` and `mode`; version 1 files (the corpus) are still read. */
export const FILE_VERSION = 2;
/** A counterexample is a few kilobytes; anything larger than this is not one. */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;
/** Set-up or thread operations, threads, preemptions a file may hold (generated traces have far fewer). */
const MAX_OPS = 64;
const MAX_THREADS = 8;
/** Steps a schedule may hold: the largest run budget. */
export const MAX_SCHEDULE = 1_000_000;

/** How the counterexample was found: what reproduces the search that found it. */
export interface FileOptions {
  subject: string;
  design: string;
  mutant: string | null;
  mode: "sampled" | "exhaustive" | "sequential";
  seed: number;
  runs: number;
  sequences: number;
  scheduler: string;
  depth: number;
  tso: boolean;
  /** --exhaustive: the scenario and the preemption bound (null: none). */
  scenario?: string;
  preemptions?: number | null;
}

export interface FileHeader {
  tool: { name: string; version: string };
  options: FileOptions;
}

export function serialize(cx: Counterexample, header?: FileHeader): string {
  return `${JSON.stringify({ version: FILE_VERSION, ...(header ?? {}), ...cx }, null, 1)}\n`;
}

const nat = z.number().int().min(0);

const fileSchema = z.strictObject({
  version: z.union([z.literal(1), z.literal(2)]),
  tool: z.strictObject({ name: z.string(), version: z.string() }).optional(),
  options: z
    .strictObject({
      subject: z.string(),
      design: z.string(),
      mutant: z.string().nullable(),
      mode: z.enum(["sampled", "exhaustive", "sequential"]),
      seed: nat,
      runs: nat,
      sequences: nat,
      scheduler: z.string(),
      depth: nat,
      tso: z.boolean(),
      scenario: z.string().optional(),
      preemptions: nat.nullable().optional(),
    })
    .optional(),
  trace: z.strictObject({
    subject: z.string().optional(),
    design: z.string(),
    config: z.unknown(),
    setup: z.array(z.unknown()).max(MAX_OPS),
    threads: z.array(z.strictObject({ role: z.string(), ops: z.array(z.unknown()).max(MAX_OPS) })).min(1).max(MAX_THREADS),
    preemptions: z.array(z.strictObject({ thread: nat, after: nat, to: nat })).max(MAX_OPS),
  }),
  schedule: z.array(z.strictObject({ thread: nat, label: z.string().max(500), op: nat.optional() })).max(MAX_SCHEDULE),
  violation: z.strictObject({ invariant: z.string(), detail: z.string(), diff: z.array(z.string()) }),
  failedAt: nat.nullable(),
  mutant: z.string().optional(),
  tso: z.boolean().optional(),
  mode: z.literal("sequential").optional(),
});

type RawFile = z.infer<typeof fileSchema>;

/** A counterexample file, read and validated, with its variant resolved. */
export interface LoadedCounterexample {
  cx: Counterexample;
  variant: Variant;
  header: Partial<FileHeader>;
}

function where(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "(the file)" : path.map(String).join(".");
}

/** The parts of a trace a file gives (a counterexample's `trace`, a scenario). */
export interface TraceParts {
  config: unknown;
  setup: readonly unknown[];
  threads: ReadonlyArray<{ role: string; ops: readonly unknown[] }>;
}

/** The generic shape of a trace's parts, before the subject's own checks. */
export const tracePartsSchema = z.object({
  config: z.unknown(),
  setup: z.array(z.unknown()).max(MAX_OPS),
  threads: z.array(z.strictObject({ role: z.string(), ops: z.array(z.unknown()).max(MAX_OPS) })).min(1).max(MAX_THREADS),
});

/**
 * A trace's configuration and operations against the subject's schemas, and
 * (when `roles`) each thread's role against the subject's roles; `bad` gets
 * the field (relative to the trace) and the reason.
 */
export function checkTraceParts(subject: Subject, t: TraceParts, bad: (field: string, why: string) => never, roles: boolean): void {
  const config = subject.configSchema.safeParse(t.config);
  if (!config.success) bad(`config.${where(config.error.issues[0]!.path)}`, config.error.issues[0]!.message);
  const ops: Array<[string, unknown]> = [...t.setup.map((o, i): [string, unknown] => [`setup.${i}`, o]), ...t.threads.flatMap((th, i) => th.ops.map((o, j): [string, unknown] => [`threads.${i}.ops.${j}`, o]))];
  for (const [at, o] of ops) {
    const r = subject.opSchema.safeParse(o);
    if (!r.success) bad(`${at}${r.error.issues[0]!.path.length ? `.${where(r.error.issues[0]!.path)}` : ""}`, r.error.issues[0]!.message);
  }
  if (roles) {
    t.threads.forEach((th, i) => {
      if (!subject.roles.includes(th.role)) bad(`threads.${i}.role`, `unknown role ${JSON.stringify(th.role)} (one of: ${subject.roles.join(", ")})`);
    });
  }
}

/** The subject-dependent checks: names, configuration, operations, roles, thread numbers, the failing step. */
function checkAgainstSubject(f: RawFile, subject: Subject, bad: (field: string, why: string) => never): Variant {
  const t = f.trace;
  if (!subject.designs.some((d) => d.name === t.design)) bad("trace.design", `unknown design ${JSON.stringify(t.design)}`);
  if (f.mutant !== undefined && !subject.mutants.some((m) => m.name === f.mutant)) bad("mutant", `unknown mutant ${JSON.stringify(f.mutant)}`);
  if (!subject.hasInvariant(f.violation.invariant)) bad("violation.invariant", `${JSON.stringify(f.violation.invariant)} is not an invariant`);
  if (f.mode === "sequential") {
    checkTraceParts(subject, t, (field, why) => bad(`trace.${field}`, why), false);
    if (t.threads.length !== 1 || t.threads[0]!.role !== "sequential") bad("trace.threads", "a sequential counterexample has one thread, of role \"sequential\"");
    if (t.setup.length > 0 || t.preemptions.length > 0) bad("trace", "a sequential counterexample has no set-up and no preemptions");
  } else {
    checkTraceParts(subject, t, (field, why) => bad(`trace.${field}`, why), true);
    checkRoles(f, subject, bad);
  }
  // The design's executor threads (runtime/deferral.ts) come after the trace's own.
  const n = t.threads.length + engineThreadsOf(subject, t.design).length;
  // Store-buffer pseudo-threads (x86-TSO) are numbered n..2n-1; a switch from the default schedule may be to or from one.
  const threads = f.tso === true ? 2 * n : n;
  t.preemptions.forEach((p, i) => {
    if (p.thread >= threads || p.to >= threads) bad(`trace.preemptions.${i}`, `names a thread beyond the ${threads} threads${f.tso === true ? " (store buffers included)" : ""}`);
  });
  f.schedule.forEach((s, i) => {
    if (s.thread >= threads) bad(`schedule.${i}.thread`, `${s.thread} is not one of the ${threads} threads`);
  });
  // A file may not claim a memory model its run did not have (checker/jobs/replay.ts checks the schedule itself).
  // The converse is allowed: an x86-TSO search saves a run that needed no
  // store buffer in its sequentially consistent form (checker/search/sc_form.ts).
  if (f.options !== undefined && f.tso === true && !f.options.tso) bad("tso", "is true, but options.tso (the run that made the file) is false");
  if (f.failedAt !== null && f.failedAt !== f.schedule.length - 1) {
    bad("failedAt", `is ${f.failedAt}, but the schedule has ${f.schedule.length} steps: a run stops at its failing step, which must be the last`);
  }
  return subject.variant(t.design, f.mutant ?? null);
}

/**
 * Each role names one thread. A sampled search's file has every role, in the
 * subject's order (preemptions name threads by it); an exhaustive search's
 * file has its scenario's threads, in the scenario's order.
 */
function checkRoles(f: RawFile, subject: Subject, bad: (field: string, why: string) => never): void {
  const roles = f.trace.threads.map((th) => th.role);
  roles.forEach((r, i) => {
    if (roles.indexOf(r) !== i) bad(`trace.threads.${i}.role`, `${JSON.stringify(r)} is also the role of thread ${roles.indexOf(r)}: each role is one thread`);
  });
  const exhaustive = f.options?.mode === "exhaustive" || f.options?.scenario !== undefined;
  if (!exhaustive) {
    roles.forEach((r, i) => {
      if (r !== subject.roles[i]) bad(`trace.threads.${i}.role`, `is ${JSON.stringify(r)}; a sampled run's threads are ${subject.roles.join(", ")}, in that order`);
    });
    if (roles.length !== subject.roles.length) bad("trace.threads", `has ${roles.length} threads; a sampled run's are ${subject.roles.join(", ")}`);
  }
}

/** Parse and validate a counterexample file's text; `name` is how errors refer to it. */
export function parseCounterexample(text: string, name: string): LoadedCounterexample {
  const bad = (field: string, why: string): never => {
    throw new BadInput(`malformed file ${name}: ${field}: ${why}`);
  };
  if (Buffer.byteLength(text) > MAX_FILE_BYTES) bad("(the file)", `larger than ${MAX_FILE_BYTES} bytes`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return bad("(the file)", "not JSON");
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return bad(where(issue.path), issue.message);
  }
  const f = parsed.data;
  const subject = findSubject(f.trace.subject);
  if (subject === undefined) return bad("trace.subject", `unknown subject ${JSON.stringify(f.trace.subject)}`);
  const variant = checkAgainstSubject(f, subject, bad);
  const { version: _v, tool, options, ...cx } = f;
  return { cx: cx as Counterexample, variant, header: { ...(tool ? { tool } : {}), ...(options ? { options: options as FileOptions } : {}) } };
}
