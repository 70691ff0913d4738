#!/usr/bin/env node
/**
 * rmapcheck: the command-line checker. It talks to the checker only through
 * checker/index.ts; long jobs run in a worker thread (cli/job.ts).
 *   exit 0    no violation
 *   exit 1    a violation was found (or replayed); --mutants: a mutant was not detected
 *   exit 2    bad input: a bad option, an unknown name, a malformed or diverging file, an unusable --out
 *   exit 3    an internal error of rmapcheck (a bug: please report it)
 *   exit 130  interrupted by SIGINT; 143 by SIGTERM (never a pass)
 */
import { CommanderError } from "commander";
import { BadInput, formatter, listing, mergeFiles, replay, scenarioListing } from "../checker";
import { runJob } from "./job";
import { sweepMain } from "./sweep_command";
import type { JobRequest } from "./job_protocol";
import { type Options, readOptions } from "./options";
import { prepareOutDir } from "./out_dir";
import { shownPath, userPath } from "./paths";
import { program } from "./program";
import { UsageError } from "./usage_error";
import { toolVersion } from "./version";

process.setSourceMapsEnabled(true);

/** The exit status a signal gives (128 + its number). */
const SIGNAL_STATUS: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/** Our option names that npm takes for its own config when they come before `--`. */
const OPTION_NAMES = ["subject", "design", "mutant", "seed", "runs", "sequences", "scheduler", "depth", "tso", "replay", "mutants", "list", "json", "format", "out", "compare", "pages", "sizes", "sptes", "vcpus", "checked_up_to"];

/** `npm start --seed=7` (no `--`): npm keeps the option and sets npm_config_seed; say so instead of running seed 1. */
function npmAteOptions(): void {
  if (process.env.npm_lifecycle_event === undefined) return;
  const eaten = OPTION_NAMES.filter((n) => process.env[`npm_config_${n}`] !== undefined);
  if (eaten.length > 0) {
    throw new UsageError(`npm took --${eaten[0]} for itself: put rmapcheck's options after --, as in \`npm start -- --${eaten[0]} ...\`, or run \`npx rmapcheck --${eaten[0]} ...\``);
  }
}

function listText(o: Options): string {
  const l = listing(o.subject);
  const w = Math.max(...l.designs.map((x) => x.name.length)) + 1;
  const d = l.designs.map((x) => `  ${x.name.padEnd(w)} ${x.summary}${x.knownRace === null ? "" : ` [known violation: ${x.knownRace}]`}`);
  const m = l.mutants.map((x) => `  ${x.name.padEnd(30)} ${x.bug}`);
  const sc = scenarioListing(o.subject).map((x) => `  ${x.name.padEnd(30)} ${x.description}`);
  return [`subject ${l.subject}`, "designs:", ...d, "", `mutants (${l.mutants.length}):`, ...m, "", `scenarios for --exhaustive (${sc.length}):`, ...sc].join("\n");
}

/** Write to stdout; a closed pipe (EPIPE) ends the program quietly with the verdict's status. */
function emit(s: string, status: number): void {
  process.exitCode = status;
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(status);
    throw e;
  });
  process.stdout.write(`${s}\n`);
}

async function longJob(o: Options, version: string): Promise<number> {
  const outDir = userPath(o.out);
  if (o.mode === "check" || o.mode === "exhaustive") prepareOutDir(outDir, o.out);
  const x = o.exhaustive;
  const scenarioFile = x.scenario !== null && (x.scenario.includes("/") || x.scenario.endsWith(".json"));
  const request: JobRequest = {
    kind: o.mode === "mutants" ? "mutants" : o.mode === "compare" ? "compare" : o.mode === "exhaustive" ? "exhaustive" : "check",
    subject: o.subject.name,
    design: o.variant?.design.name ?? null,
    mutant: o.variant?.mutant?.name ?? null,
    seed: o.seed,
    runs: o.runs,
    sequences: o.sequences,
    scheduler: o.scheduler,
    depth: o.depth,
    tso: o.tso,
    json: o.json,
    format: o.format,
    columns: process.stdout.isTTY ? process.stdout.columns : null,
    outDir,
    version,
    compare: o.compare,
    exhaustive: {
      scenario: x.scenario === null ? null : scenarioFile ? userPath(x.scenario) : x.scenario,
      replayFile: o.mode === "exhaustive" && o.replay !== null ? userPath(o.replay) : null,
      subjectGiven: x.subjectGiven,
      preemptions: x.preemptions,
      ...(x.maxExecutions === undefined ? {} : { maxExecutions: x.maxExecutions }),
      ...(x.maxSeconds === undefined ? {} : { maxSeconds: x.maxSeconds }),
      workers: x.workers,
      ...(x.shard === undefined ? {} : { shard: x.shard }),
    },
  };
  if (o.mode === "exhaustive" && o.variant === null) {
    request.design = x.design;
    request.mutant = x.mutant;
  }
  const r = await runJob(request);
  if (r.error !== null) throw r.error.type === "bad-input" ? new BadInput(r.error.message) : new Error(r.error.message);
  if (r.signal !== null) {
    if (r.done !== null) emit(r.done.stdout, SIGNAL_STATUS[r.signal] ?? 130);
    const kept = r.saved === null ? "no counterexample was found to keep" : `kept ${r.saved}`;
    process.stderr.write(`rmapcheck: interrupted by ${r.signal}: no verdict; ${kept}\n`);
    return SIGNAL_STATUS[r.signal] ?? 130;
  }
  emit(r.done!.stdout, r.done!.status);
  return r.done!.status;
}

async function main(argv: string[]): Promise<number> {
  npmAteOptions();
  const version = toolVersion();
  if (argv[0] === "sweep") return sweepMain(argv.slice(1), version);
  if ((argv.includes("--help") || argv.includes("-h")) && argv.includes("--json")) throw new UsageError("--help prints text; drop --json");
  const p = program(version);
  try {
    p.parse(argv, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError && (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help")) return 0;
    if (e instanceof CommanderError) throw new UsageError(e.message.replace(/^error: /, "").replace(/\s*\n\s*/g, " ").replace(/\(Did you mean (.*)\?\)/, "(did you mean $1?)"));
    throw e;
  }
  const o = readOptions(p);
  if (o.mode === "list") {
    emit(o.json ? JSON.stringify({ ...listing(o.subject), scenarios: scenarioListing(o.subject) }) : listText(o), 0);
    return 0;
  }
  if (o.mode === "merge") {
    const merged = mergeFiles(o.merge.map((f) => userPath(f)));
    emit(o.json ? JSON.stringify(merged.json) : merged.text, merged.status);
    return merged.status;
  }
  if (o.mode === "replay") {
    const file = userPath(o.replay!);
    const r = replay(file, {
      name: shownPath(file), format: formatter(o.format, process.stdout.isTTY ? process.stdout.columns : null) });
    emit(o.json ? JSON.stringify(r.json) : r.text, r.status);
    return r.status;
  }
  return longJob(o, version);
}

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (e: unknown) => {
    if (e instanceof UsageError || e instanceof BadInput) {
      process.stderr.write(`rmapcheck: ${e.message}\n`);
      process.exitCode = 2;
    } else {
      const first = e instanceof Error ? e.message.split("\n")[0] : String(e);
      process.stderr.write(`rmapcheck: internal error (please report it): ${first}\n`);
      process.exitCode = 3;
    }
  },
);
