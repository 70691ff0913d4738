/**
 * Where the named scenarios live (the repository's `scenarios/` folder) and
 * the names it holds. Reads a directory listing, never a file: the command
 * line's help names the count without loading the scenario reader
 * (checker/lazy_module.ts).
 */
import { jsonNames, repoFolder } from "../repo_folder";

export const scenariosDir = (): string => repoFolder("scenarios");

/** The named scenarios, sorted. */
export const scenarioNames = (): string[] => jsonNames(scenariosDir());
