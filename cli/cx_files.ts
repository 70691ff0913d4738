/**
 * Counterexample files: named after the design, mutant, invariant and seed,
 * plus a short hash of every option that changes the search, so two runs with
 * different options never overwrite each other; written atomically and
 * flushed to disk (write-file-atomic: a temporary file, fsync, rename), so an
 * interrupted run never leaves half a file.
 */
import { createHash } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import writeFileAtomic from "write-file-atomic";
import { type Counterexample, type FileHeader, type FileOptions, serialize } from "../checker";
import { shownPath } from "./paths";

export function optionsHash(o: FileOptions): string {
  const { subject, design, mutant, mode, seed, runs, sequences, scheduler, depth, tso, scenario, preemptions } = o;
  return createHash("sha256").update(JSON.stringify({ subject, design, mutant, mode, seed, runs, sequences, scheduler, depth, tso, scenario, preemptions })).digest("hex").slice(0, 8);
}

export function cxFileName(dir: string, o: FileOptions, invariant: string): string {
  const search = o.mode === "exhaustive" ? `exhaustive-${o.scenario ?? "scenario"}` : `seed${o.seed}`;
  const parts = [o.subject === "series" ? null : o.subject, o.design, o.mutant, invariant, search, optionsHash(o)].filter(Boolean);
  return join(dir, `${parts.join("-")}.json`);
}

/** A saver that keeps one file per search (a better counterexample may break another invariant); returns the path as shown to the user. */
export function saver(dir: string, header: FileHeader, onSaved: (file: string) => void = () => {}): (cx: Counterexample) => string {
  let file: string | null = null;
  return (cx) => {
    const name = cxFileName(dir, header.options, cx.violation.invariant);
    writeFileAtomic.sync(name, serialize(cx, header), { fsync: true });
    if (file !== null && file !== name) rmSync(file, { force: true });
    file = name;
    const shown = shownPath(name);
    onSaved(shown);
    return shown;
  };
}
