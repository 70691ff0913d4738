/**
 * The command line, checked: which mode it asks for, and only options that
 * mode uses (every other option is refused with one line, never silently
 * dropped); design, mutant and subject names resolved once, with a
 * did-you-mean for a misspelt one. Every bad input is a UsageError or a
 * BadInput: one line, exit status 2.
 */
import type { Command } from "commander";
import { closest, distance } from "fastest-levenshtein";
import { DEFAULT_COMPARE, designNames, type Format, mutantNames, resolveSubject, resolveVariant, type SchedulerName, type Subject, subjectNames, type Variant } from "../checker";
import { DEFAULTS } from "./program";
import { UsageError } from "./usage_error";

export type Mode = "check" | "replay" | "mutants" | "list" | "compare" | "exhaustive" | "merge";

export interface Options {
  mode: Mode;
  subject: Subject;
  /** The design and mutant, resolved (check mode only). */
  variant: Variant | null;
  seed: number;
  /** --seeds: the first and last seed, or null. */
  seeds: [number, number] | null;
  runs: number;
  sequences: number;
  scheduler: SchedulerName;
  depth: number;
  tso: boolean;
  /** --workers: threads for a check's concurrent runs or an exhaustive exploration (the same result as one). */
  workers: number;
  json: boolean;
  format: Format;
  /** As given (resolved against the user's directory by the caller). */
  out: string;
  replay: string | null;
  /** --compare's request (compare mode only; absent fields take the job's defaults). */
  compare: { pages?: number; sizes?: number[]; sptes?: number; vcpus?: number; checkedUpTo?: number; sweep?: null };
  /** --exhaustive's request (exhaustive mode only): names as given, resolved by the job. */
  exhaustive: {
    /** A scenario name or a file (a path as given), or null with --replay. */
    scenario: string | null;
    /** --subject was given (with --replay it must match the file's). */
    subjectGiven: boolean;
    design: string | null;
    mutant: string | null;
    /** null: no bound. */
    preemptions: number | null;
    maxExecutions?: number;
    maxSeconds?: number;
    shard?: { index: number; count: number };
    /** --cross-check K [--cross-check-executions N]. */
    crossCheck?: { bound: number; maxExecutions?: number };
  };
  /** --merge's files, as given. */
  merge: string[];
}

/** The options each mode uses; anything else given with it is refused. */
const ACCEPTS: Record<Mode, readonly string[]> = {
  check: ["subject", "design", "mutant", "seed", "seeds", "runs", "sequences", "scheduler", "depth", "tso", "workers", "json", "format", "out"],
  replay: ["replay", "json", "format"],
  mutants: ["mutants", "subject", "seed", "runs", "sequences", "scheduler", "depth", "tso", "workers", "json"],
  list: ["list", "subject", "json"],
  compare: ["compare", "seed", "runs", "sequences", "scheduler", "json", "pages", "sizes", "sptes", "vcpus", "checkedUpTo", "sweep"],
  exhaustive: ["exhaustive", "subject", "design", "mutant", "scenario", "replay", "tso", "preemptions", "maxExecutions", "maxSeconds", "workers", "shard", "crossCheck", "crossCheckExecutions", "json", "format", "out"],
  merge: ["merge", "json"],
};

const WHY: Record<Mode, string> = {
  check: "",
  replay: "the file fixes the subject, design, mutant and schedule",
  mutants: "each mutant is checked on its own design and counterexamples are not saved",
  list: "--list only lists",
  compare: "--compare checks the 2013 designs it compares, each on its own",
  exhaustive: "it explores every schedule of one scenario; seeds, runs and schedulers are the sampled mode's",
  merge: "it only adds up the summaries of the shards",
};

/** "unknown X" with the nearest known name when it is close. */
export function unknownName(what: string, name: string, known: readonly string[]): UsageError {
  const near = known.length > 0 ? closest(name, [...known]) : "";
  const hint = near !== "" && distance(name, near) <= Math.max(2, Math.floor(name.length / 3)) ? `; did you mean "${near}"?` : `; one of: ${known.join(", ")}`;
  return new UsageError(`unknown ${what} "${name}"${hint}`);
}

function modeOf(given: ReadonlySet<string>): Mode {
  // --exhaustive --replay FILE explores the file's scenario: an exhaustive run.
  const modes = (["exhaustive", "replay", "mutants", "list", "compare", "merge"] as const).filter((m) => given.has(m) && !(m === "replay" && given.has("exhaustive")));
  if (given.has("mutant") && modes.length > 0 && modes[0] !== "exhaustive") throw new UsageError(`--mutant and --${modes[0]} cannot be combined`);
  if (modes.length > 1) throw new UsageError(`--${modes[0]} and --${modes[1]} cannot be combined`);
  return modes[0] ?? "check";
}

function compareRequest(v: Record<string, unknown>): Options["compare"] {
  const out: Options["compare"] = {};
  for (const k of ["pages", "sptes", "vcpus", "checkedUpTo"] as const) if (v[k] !== undefined) out[k] = v[k] as number;
  if (v.sizes !== undefined) out.sizes = v.sizes as number[];
  if (v.sweep === false) out.sweep = null; // --no-sweep
  // The cost columns are the growth run of --pages: it must be one of the sizes, given or default.
  const pages = out.pages ?? DEFAULT_COMPARE.pages;
  const sizes = out.sizes ?? DEFAULT_COMPARE.sizes;
  if (!sizes.includes(pages)) {
    const which = out.sizes === undefined ? `the default --sizes ${sizes.join(",")}; give --sizes too` : `--sizes ${sizes.join(",")}`;
    throw new UsageError(`--pages ${pages}${out.pages === undefined ? " (the default)" : ""} must be one of ${which}`);
  }
  return out;
}

export function readOptions(p: Command): Options {
  const v = p.opts<Record<string, unknown>>();
  const given = new Set(Object.keys(v).filter((k) => v[k] !== undefined && p.getOptionValueSource(k) === "cli"));
  const mode = modeOf(given);
  for (const k of given) {
    if (ACCEPTS[mode].includes(k)) continue;
    const flag = `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    const owner = (["exhaustive", "compare", "merge"] as const).find((m) => ACCEPTS[m].includes(k) && !ACCEPTS.check.includes(k));
    if (mode === "check" && owner !== undefined) throw new UsageError(`${flag} needs --${owner}`);
    throw new UsageError(`${flag} does not apply to ${mode === "check" ? "a check" : `--${mode}`}${WHY[mode] ? ` (${WHY[mode]})` : ""}; drop it`);
  }
  const subjectName = v.subject as string | undefined;
  if (subjectName !== undefined && !subjectNames().includes(subjectName)) throw unknownName("subject", subjectName, subjectNames());
  const subject = resolveSubject(subjectName ?? null);
  const design = v.design as string | undefined;
  const mutant = v.mutant as string | undefined;
  // --exhaustive --replay FILE: the file names its subject; without --subject
  // the job resolves --design and --mutant against it.
  const subjectFromFile = mode === "exhaustive" && v.replay !== undefined && subjectName === undefined;
  if (!subjectFromFile && design !== undefined && !designNames(subject).includes(design)) throw unknownName(`design of ${subject.name}`, design, designNames(subject));
  if (!subjectFromFile && mutant !== undefined && !mutantNames(subject).includes(mutant)) throw unknownName(`mutant of ${subject.name}`, mutant, mutantNames(subject));
  const scheduler = (v.scheduler as string | undefined) ?? DEFAULTS.scheduler;
  if (!["pct", "random", "preemptions"].includes(scheduler)) throw unknownName("scheduler", scheduler, ["pct", "random", "preemptions"]);
  if (mode === "exhaustive" && v.scenario === undefined && v.replay === undefined) throw new UsageError(`--exhaustive needs --scenario NAME|FILE (--list shows the scenarios) or --replay FILE`);
  if (mode === "exhaustive" && v.scenario !== undefined && v.replay !== undefined) throw new UsageError("--scenario and --replay cannot be combined: the file gives the scenario");
  if (v.seed !== undefined && v.seeds !== undefined) throw new UsageError("--seed and --seeds cannot be combined");
  if (v.out === "") throw new UsageError("--out needs a directory (it was empty)");
  if (v.json === true && v.format !== undefined) throw new UsageError("--format does not apply with --json (the JSON object holds no printed counterexample); drop one");
  if (((p as unknown as { rawArgs?: string[] }).rawArgs ?? []).filter((a) => a === "--merge" || a.startsWith("--merge=")).length > 1) throw new UsageError("--merge given twice; give it once, followed by every file");
  const format = (v.format as string | undefined) ?? "auto";
  if (!["wide", "narrow", "auto", "html"].includes(format)) throw unknownName("format", format, ["wide", "narrow", "html"]);
  if (format === "html" && mode !== "replay") throw new UsageError("--format html needs --replay FILE: it draws a saved counterexample (docs/counterexamples.md)");
  return {
    mode,
    subject,
    variant: mode === "check" || (mode === "exhaustive" && v.replay === undefined) ? resolveVariant(design ?? null, mutant ?? null, subject) : null,
    seed: (v.seed as number | undefined) ?? DEFAULTS.seed,
    seeds: (v.seeds as [number, number] | undefined) ?? null,
    runs: (v.runs as number | undefined) ?? DEFAULTS.runs,
    sequences: (v.sequences as number | undefined) ?? DEFAULTS.sequences,
    scheduler: scheduler as SchedulerName,
    depth: (v.depth as number | undefined) ?? DEFAULTS.depth,
    tso: v.tso === true,
    workers: (v.workers as number | undefined) ?? 1,
    json: v.json === true,
    format: format as Format,
    out: (v.out as string | undefined) ?? DEFAULTS.out,
    replay: (v.replay as string | undefined) ?? null,
    compare: compareRequest(v),
    exhaustive: {
      scenario: (v.scenario as string | undefined) ?? null,
      subjectGiven: subjectName !== undefined,
      design: design ?? null,
      mutant: mutant ?? null,
      preemptions: v.preemptions === "all" ? null : ((v.preemptions as number | undefined) ?? 2),
      ...(v.maxExecutions === undefined ? {} : { maxExecutions: v.maxExecutions as number }),
      ...(v.maxSeconds === undefined ? {} : { maxSeconds: v.maxSeconds as number }),
      ...(v.shard === undefined ? {} : { shard: v.shard as { index: number; count: number } }),
      ...crossCheckRequest(v),
    },
    merge: (v.merge as string[] | undefined) ?? [],
  };
}

/** --cross-check K and its budget; the budget alone is refused. */
function crossCheckRequest(v: Record<string, unknown>): { crossCheck?: { bound: number; maxExecutions?: number } } {
  if (v.crossCheck === undefined) {
    if (v.crossCheckExecutions !== undefined) throw new UsageError("--cross-check-executions goes with --cross-check K");
    return {};
  }
  const n = v.crossCheckExecutions as number | undefined;
  return { crossCheck: { bound: v.crossCheck as number, ...(n === undefined ? {} : { maxExecutions: n }) } };
}
