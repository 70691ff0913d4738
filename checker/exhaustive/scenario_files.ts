/**
 * Named scenarios: the JSON files of the repository's `scenarios/` folder
 * (found from this file's location by walking up to the folder holding
 * package.json, so it works from the sources under tsx and from compiled
 * JavaScript alike), and a saved counterexample's scenario.
 */
import { existsSync, readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { BadInput } from "../bad_input";
import { loadCounterexample } from "../report/cx_read";
import type { Subject, Variant } from "../subject";
import { readScenarioFile, type Scenario, scenarioOf } from "./scenario";

function scenariosDir(): string {
  for (let d = __dirname; ; d = dirname(d)) {
    if (existsSync(join(d, "package.json"))) return join(d, "scenarios");
    if (dirname(d) === d) throw new Error(`no package.json above ${__dirname}`);
  }
}

/** The named scenarios, sorted. */
export function scenarioNames(): string[] {
  const dir = scenariosDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -".json".length))
    .sort();
}

/** A scenario by name (`unmap-two-descs`) or by path (anything with a `/` or ending in `.json`). */
export function loadScenario(nameOrFile: string): Scenario {
  if (nameOrFile.includes("/") || nameOrFile.endsWith(".json")) return readScenarioFile(nameOrFile);
  const names = scenarioNames();
  if (!names.includes(nameOrFile)) throw new BadInput(`unknown scenario "${nameOrFile}" (one of: ${names.join(", ")}; or a scenario file)`);
  const s = readScenarioFile(join(scenariosDir(), `${nameOrFile}.json`));
  if (s.name !== nameOrFile) throw new BadInput(`malformed scenario ${nameOrFile}.json: its name is "${s.name}"`);
  return s;
}

/** A saved counterexample's scenario (its schedule and preemptions dropped) and the variant it was found in. */
export function scenarioFromCounterexample(file: string): { scenario: Scenario; variant: Variant; tso: boolean } {
  const { cx, variant } = loadCounterexample(file);
  if (cx.mode === "sequential") throw new BadInput(`${file} is a sequential counterexample (one thread, so one schedule): the exhaustive mode has nothing to explore in it; replay it with --replay alone`);
  const t = cx.trace;
  const scenario = scenarioOf(
    {
      name: `cx-${basename(file, ".json").toLowerCase().replace(/[^a-z0-9-]+/g, "-")}`,
      description: `The configuration, set-up and threads of ${file}, with its schedule dropped.`,
      source: file,
      ...(t.subject === undefined ? {} : { subject: t.subject }),
      config: t.config,
      setup: t.setup,
      threads: t.threads,
    },
    file,
  );
  return { scenario, variant, tso: cx.tso === true };
}

/** The named scenarios of a subject, in name order. */
export function scenariosOf(subject: Subject): Scenario[] {
  return scenarioNames()
    .map((n) => loadScenario(n))
    .filter((s) => s.subject === subject);
}

/** The named scenarios of a subject, with their one-sentence descriptions (--list). */
export function scenarioListing(subject: Subject): Array<{ name: string; description: string }> {
  return scenariosOf(subject).map((s) => ({ name: s.name, description: s.description }));
}
