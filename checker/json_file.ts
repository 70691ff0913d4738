/**
 * Reading a JSON file a user gives (a scenario, a shard summary): a regular
 * file no larger than MAX_FILE_BYTES (checked before a byte is read), then
 * parsed. Every failure is BadInput in one line; `what` names the file.
 */
import { readFileSync, statSync } from "node:fs";
import { BadInput } from "./bad_input";

/** No input file of rmapcheck is anywhere near this. */
export const MAX_JSON_BYTES = 4 * 1024 * 1024;

export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new BadInput(`cannot read ${what} ${path}: not a regular file`);
    if (st.size > MAX_JSON_BYTES) throw new BadInput(`malformed ${what} ${path}: ${st.size} bytes, larger than ${MAX_JSON_BYTES}`);
    text = readFileSync(path, "utf8");
  } catch (e) {
    if (e instanceof BadInput) throw e;
    throw new BadInput(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? "error"}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new BadInput(`malformed ${what} ${path}: not JSON`);
  }
}
