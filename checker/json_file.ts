/** Read a JSON file given by a user; `what` names it in the one-line errors ("replay file", "scenario"). */
import { readFileSync } from "node:fs";
import { BadInput } from "./bad_input";

export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new BadInput(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? "error"}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new BadInput(`malformed ${what} ${path}: not JSON`);
  }
}
