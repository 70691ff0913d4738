/**
 * Reading a counterexample file from disk: a regular file no larger than
 * MAX_FILE_BYTES (checked before a byte is read, so a device such as
 * /dev/zero or a huge file is refused at once), then parsed and validated.
 */
import { readFileSync, statSync } from "node:fs";
import { BadInput } from "../bad_input";
import { type LoadedCounterexample, MAX_FILE_BYTES, parseCounterexample } from "./cx_file";

/** `name`: how messages refer to the file (default: its path). */
export function loadCounterexample(path: string, name = path): LoadedCounterexample {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new BadInput(`cannot read ${name}: not a regular file`);
    size = st.size;
  } catch (e) {
    if (e instanceof BadInput) throw e;
    throw new BadInput(`cannot read ${name}: ${(e as NodeJS.ErrnoException).code ?? "error"}`);
  }
  if (size > MAX_FILE_BYTES) throw new BadInput(`malformed file ${name}: (the file): ${size} bytes, larger than the ${MAX_FILE_BYTES} a counterexample may have`);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new BadInput(`cannot read ${name}: ${(e as NodeJS.ErrnoException).code ?? "error"}`);
  }
  return parseCounterexample(text, name);
}
