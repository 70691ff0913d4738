/**
 * Where the named scenarios live: the repository's `scenarios/` folder,
 * found from this file's location by walking up to the folder holding
 * package.json (so it works from the sources under tsx and from compiled
 * JavaScript alike), and the names it holds. Reads a directory listing,
 * never a file: the command line's help names the count without loading
 * the scenario reader (checker/lazy_module.ts).
 */
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";

/** The scenarios/ folder beside the package.json above this file. */
export function scenariosDir(): string {
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

