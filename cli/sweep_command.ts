/**
 * `rmapcheck sweep`: every scenario of a scope, explored by the exhaustive
 * mode (docs/sweep.md).
 *
 *   sweep --scope S --design D|--mutant M [--json] [--shard i/n] [--out DIR]
 *   sweep --scope S --design D --plan --shards n [--prefix CMD]
 *   sweep --scope S --write-scenarios DIR
 *   sweep --list
 *
 * The sweep runs on the main thread and yields between scenarios, so SIGINT
 * and SIGTERM stop it after the scenario under way (exit 130 / 143, no
 * verdict). Progress goes to stderr. Exit status as for --exhaustive: 0
 * verified within the scope, 1 a violation, 2 bad input, 4 incomplete (one
 * shard of several).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import writeFileAtomic from "write-file-atomic";
import { designNames, generateScope, loadScope, mutantNames, resolveVariant, scenarioJson, scopeNames, shardCommand, shardCosts, sweep } from "../checker";
import { saver } from "./cx_files";
import { prepareOutDir } from "./out_dir";
import { shownPath, userPath } from "./paths";
import { unknownName } from "./options";
import { UsageError } from "./usage_error";

const SIGNAL_STATUS: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

function shardArg(v: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count || count > 100_000) throw new InvalidArgumentError(`must be i/n with 1 <= i <= n, got "${v}"`);
  return { index, count };
}

function wholeArg(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 100_000) throw new InvalidArgumentError(`must be a whole number from 1 to 100000, got "${v}"`);
  return Number(v);
}

function sweepProgram(): Command {
  const p = new Command("rmapcheck sweep")
    .description("Explore every scenario of a scope (docs/sweep.md) with the exhaustive mode: verified within the scope, or the smallest violation.")
    .helpOption("-h, --help", "this text")
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: (s) => process.stdout.write(s) });
  p.addOption(new Option("--scope <name|file>", `a scope of scopes/ (${scopeNames().join(", ")}) or a scope file`));
  p.addOption(new Option("--design <name>", "the design to sweep (default: the mutant's own design)"));
  p.addOption(new Option("--mutant <name>", "sweep one catalogued mutant"));
  p.addOption(new Option("--shard <i/n>", "explore shard i of n only and print a summary for --merge").argParser(shardArg));
  p.addOption(new Option("--plan", "print the shard commands (one a line) instead of sweeping"));
  p.addOption(new Option("--shards <n>", "--plan: how many shards").argParser(wholeArg));
  p.addOption(new Option("--prefix <cmd>", "--plan: how each command starts (default: npx rmapcheck)"));
  p.addOption(new Option("--write-scenarios <dir>", "write every scenario of the scope as a scenario file, and stop"));
  p.addOption(new Option("--list", "list the scopes with their sizes"));
  p.addOption(new Option("--json", "print one JSON object on stdout"));
  p.addOption(new Option("--out <dir>", "where the counterexample and its scenario file go (default: counterexamples/)"));
  return p;
}

function emit(s: string): void {
  process.stdout.write(`${s}\n`);
}

export async function sweepMain(argv: string[], version: string): Promise<number> {
  const p = sweepProgram();
  try {
    p.parse(argv, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError && (e.code === "commander.helpDisplayed" || e.code === "commander.help")) return 0;
    if (e instanceof CommanderError) throw new UsageError(`sweep: ${e.message.replace(/^error: /, "").replace(/\s*\n\s*/g, " ")}`);
    throw e;
  }
  const o = p.opts<{ scope?: string; design?: string; mutant?: string; shard?: { index: number; count: number }; plan?: boolean; shards?: number; prefix?: string; writeScenarios?: string; list?: boolean; json?: boolean; out?: string }>();
  if (o.list) {
    const rows = scopeNames().map((n) => {
      const g = generateScope(loadScope(n));
      return { scope: n, subject: g.scope.subject.name, description: g.scope.description, ...g.counts };
    });
    emit(o.json ? JSON.stringify(rows) : rows.map((r) => `${r.scope.padEnd(14)} ${r.subject.padEnd(15)} ${r.configurations} configurations, ${r.setupStates} set-up states, ${r.scenarios} scenarios`).join("\n"));
    return 0;
  }
  if (o.scope === undefined) throw new UsageError("sweep needs --scope NAME|FILE (sweep --list shows the scopes)");
  if (o.shards !== undefined && !o.plan) throw new UsageError("--shards needs --plan (a shard run takes --shard i/n)");
  if (o.plan && o.shards === undefined) throw new UsageError("--plan needs --shards n");
  if (o.plan && o.shard !== undefined) throw new UsageError("--plan and --shard cannot be combined");
  const scope = loadScope(o.scope.includes("/") || o.scope.endsWith(".json") ? userPath(o.scope) : o.scope);
  const g = generateScope(scope);
  if (o.writeScenarios !== undefined) {
    const dir = userPath(o.writeScenarios);
    mkdirSync(dir, { recursive: true });
    for (const s of g.scenarios) writeFileAtomic.sync(join(dir, `${s.scenario.name}.json`), `${JSON.stringify(scenarioJson(s.scenario), null, 1)}\n`);
    emit(`${g.scenarios.length} scenario files written to ${shownPath(dir)}`);
    return 0;
  }
  const subject = scope.subject;
  if (o.design !== undefined && !designNames(subject).includes(o.design)) throw unknownName(`design of ${subject.name}`, o.design, designNames(subject));
  if (o.mutant !== undefined && !mutantNames(subject).includes(o.mutant)) throw unknownName(`mutant of ${subject.name}`, o.mutant, mutantNames(subject));
  if (o.design === undefined && o.mutant === undefined) throw new UsageError("sweep needs --design D or --mutant M");
  const variant = resolveVariant(o.design ?? null, o.mutant ?? null, subject);
  if (o.plan) {
    const n = o.shards!;
    const costs = shardCosts(g.scenarios, n);
    const cmd = (i: number) => shardCommand({ scope: o.scope!, design: variant.design.name, mutant: variant.mutant?.name ?? null, index: i, count: n, prefix: o.prefix ?? "npx rmapcheck" });
    if (o.json) emit(JSON.stringify({ scope: scope.name, shards: costs.map((c, i) => ({ index: i + 1, estimatedCost: c, command: cmd(i + 1) })) }));
    else emit(costs.map((_, i) => cmd(i + 1)).join("\n"));
    return 0;
  }
  const given = o.out ?? "counterexamples";
  const outDir = userPath(given);
  prepareOutDir(outDir, given);
  let signal: NodeJS.Signals | null = null;
  const onSignal = (s: NodeJS.Signals) => {
    signal ??= s;
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const out = await sweep(
      { scope, variant, ...(o.shard ? { shard: o.shard } : {}) },
      {
        progress: (line) => process.stderr.write(`${line}\n`),
        interrupted: () => signal !== null,
        save: (cx) => {
          const header = {
            tool: { name: "rmapcheck", version },
            options: { subject: subject.name, design: variant.design.name, mutant: variant.mutant?.name ?? null, mode: "exhaustive" as const, seed: 0, runs: 0, sequences: 0, scheduler: "exhaustive", depth: 0, tso: false, scenario: `sweep-${scope.name}`, preemptions: scope.preemptions },
          };
          return saver(outDir, header)(cx);
        },
        saveScenario: (json, name) => {
          const file = join(outDir, `${name}.json`);
          writeFileAtomic.sync(file, `${JSON.stringify(json, null, 1)}\n`);
          return shownPath(file);
        },
      },
      g,
    );
    if (signal !== null) {
      process.stderr.write(`rmapcheck: interrupted by ${signal}: no verdict\n`);
      return SIGNAL_STATUS[signal] ?? 130;
    }
    const s = out.summary;
    emit(o.json ? JSON.stringify(s) : out.text);
    return s.verdict === "verified" ? 0 : s.verdict === "violation" ? 1 : 4;
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }
}
