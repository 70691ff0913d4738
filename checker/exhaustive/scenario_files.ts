/**
 * Named scenarios: the JSON files of the repository's `scenarios/` folder
 * (scenario_dir.ts finds it), and a saved counterexample's scenario.
 */
import { basename, join } from "node:path";
import { BadInput } from "../bad_input";
import { loadCounterexample } from "../report/cx_read";
import type { Subject, Variant } from "../subject";
import { readScenarioFile, type Scenario, scenarioOf } from "./scenario";
import { scenarioNames, scenariosDir } from "./scenario_dir";

export { scenarioNames } from "./scenario_dir";

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
