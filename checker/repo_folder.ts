/**
 * The repository's own folders of JSON files (scenarios/, scopes/), found
 * from this file's location by walking up to the folder holding
 * package.json, so it works from the sources under tsx and from compiled
 * JavaScript alike.
 */
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";

/** The folder `name` beside the package.json above this file. */
export function repoFolder(name: string): string {
  for (let d = __dirname; ; d = dirname(d)) {
    if (existsSync(join(d, "package.json"))) return join(d, name);
    if (dirname(d) === d) throw new Error(`no package.json above ${__dirname}`);
  }
}

/** The names of the .json files of a folder, without the extension, sorted (none when it does not exist). */
export function jsonNames(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -".json".length))
    .sort();
}
