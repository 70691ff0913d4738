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
import { listText } from "./list_text";
import { sweepMain } from "./sweep_command";
import type { JobRequest } from "./job_protocol";
import { type Options, readOptions } from "./options";
import { prepareOutDir } from "./out_dir";
import { shownPath, userPath } from "./paths";
import { program } from "./program";
import { UsageError } from "./usage_error";
import { toolVersion } from "./version";


/** The exit status a signal gives (128 + its number). */
const SIGNAL_STATUS: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/** Our option names that npm takes for its own config when they come before `--`. */
const OPTION_NAMES = ["subject", "design", "mutant", "seed", "runs", "sequences", "scheduler", "depth", "tso", "replay", "mutants", "list", "json", "format", "out", "compare", "pages", "sizes", "sptes", "vcpus", "checked_up_to", "sweep"];

/** `npm start --seed=7` (no `--`): npm keeps the option and sets npm_config_seed; say so instead of running seed 1. */
function npmAteOptions(): void {
  if (process.env.npm_lifecycle_event === undefined) return;
  const eaten = OPTION_NAMES.filter((n) => process.env[`npm_config_${n}`] !== undefined);
  if (eaten.length > 0) {
    throw new UsageError(`npm took --${eaten[0]} for itself: put rmapcheck's options after --, as in \`npm start -- --${eaten[0]} ...\`, or run \`npx rmapcheck --${eaten[0]} ...\``);
  }
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
    seeds: o.seeds,
    runs: o.runs,
    sequences: o.sequences,
    scheduler: o.scheduler,
    depth: o.depth,
    tso: o.tso,
    workers: o.workers,
    json: o.json,
    format: o.format === "html" ? "auto" : o.format,
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
      ...(x.shard === undefined ? {} : { shard: x.shard }),
      ...(x.crossCheck === undefined ? {} : { crossCheck: x.crossCheck }),
    },
  };
  if (o.mode === "exhaustive" && o.variant === null) {
    request.design = x.design;
    request.mutant = x.mutant;
  }
  const r = await runJob(request);
  if (r.error !== null) throw r.error.type === "bad-input" ? new BadInput(r.error.message) : new Error(r.error.message);
  if (r.signal !== null) {
    const kept = r.saved === null ? "no counterexample was found to keep" : `kept ${r.saved}`;
    // --json: always one object, saying it was interrupted (the job's own summary when it had one).
    const stdout = r.done !== null && r.done.stdout !== "" ? r.done.stdout : o.json ? JSON.stringify({ interrupted: true, signal: r.signal, verdict: null, saved: r.saved }) : null;
    if (stdout !== null) emit(stdout, SIGNAL_STATUS[r.signal] ?? 130);
    process.stderr.write(`rmapcheck: interrupted by ${r.signal}: no verdict; ${kept}\n`);
    return SIGNAL_STATUS[r.signal] ?? 130;
  }
  emit(r.done!.stdout, r.done!.status);
  return r.done!.status;
}

/** --help and --version print text and exit 0, but only on a command line that is otherwise valid. */
function checkHelpAndVersion(argv: string[], version: string): void {
  const help = argv.includes("--help") || argv.includes("-h");
  const ver = argv.includes("--version") || argv.includes("-V");
  if (!help && !ver) return;
  const what = help ? "--help" : "--version";
  if (argv.includes("--json")) throw new UsageError(`${what} prints text; drop --json`);
  const rest = argv.filter((a) => !["--help", "-h", "--version", "-V"].includes(a));
  try {
    program(version).parse(rest, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) throw new UsageError(`${e.message.replace(/^error: /, "").replace(/\s*\n\s*/g, " ")} (with ${what})`);
    throw e;
  }
}

async function main(argv: string[]): Promise<number> {
  npmAteOptions();
  // `rmapcheck --help | head`: a closed pipe ends the program quietly.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
    throw e;
  });
  const version = toolVersion();
  if (argv[0] === "sweep") return sweepMain(argv.slice(1), version);
  checkHelpAndVersion(argv, version);
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
    emit(o.json ? JSON.stringify({ ...listing(o.subject), scenarios: scenarioListing(o.subject) }) : listText(o.subject), 0);
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
      name: shownPath(file), format: formatter(o.format, process.stdout.isTTY ? process.stdout.columns : null), html: o.format === "html" });
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
