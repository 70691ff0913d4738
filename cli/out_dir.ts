/**
 * --out is checked before any search starts: every component of the path is
 * an existing directory or is created (one level at a time: Node's recursive
 * mkdir never returns on some special file systems, /proc among them), and a
 * file can be created and removed in it. Anything else is one line, exit 2.
 */
import { lstatSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, parse } from "node:path";
import { UsageError } from "./usage_error";

function components(dir: string): string[] {
  const out: string[] = [];
  for (let d = dir; d !== parse(d).root; d = dirname(d)) out.unshift(d);
  return out;
}

function explain(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === "ENOTDIR" ? "a component is not a directory" : code === "EACCES" || code === "EPERM" ? "permission denied" : code === "EROFS" ? "read-only file system" : (code ?? String(e));
}

/** Make sure `dir` exists and is writable; throws UsageError otherwise. `given` is how the user wrote it. */
export function prepareOutDir(dir: string, given: string): void {
  const bad = (why: string): never => {
    throw new UsageError(`--out ${given}: ${why}`);
  };
  for (const d of components(dir)) {
    let isDir: boolean;
    try {
      isDir = statSync(d).isDirectory();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOENT") bad(`cannot use ${d}: ${explain(e)}`);
      try {
        if (lstatSync(d).isSymbolicLink()) bad(`${d} is a dangling symbolic link`);
      } catch (l) {
        if (l instanceof UsageError) throw l;
      }
      try {
        mkdirSync(d);
      } catch (m) {
        bad(`cannot create ${d}: ${explain(m)}`);
      }
      continue;
    }
    if (!isDir) bad(`${d} is not a directory`);
  }
  const probe = join(dir, `.rmapcheck-probe-${process.pid}`);
  try {
    writeFileSync(probe, "");
    rmSync(probe, { force: true });
  } catch (e) {
    bad(`cannot write in ${dir}: ${explain(e)}`);
  }
}
