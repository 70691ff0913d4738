/**
 * Paths the user gives are relative to the user's directory: the one npm was
 * started from (INIT_CWD, since `npm start` runs in the package root), else
 * the process's own. Paths printed back are relative to it where they can be.
 */
import { isAbsolute, relative, resolve } from "node:path";

export function userDir(): string {
  return process.env.INIT_CWD ?? process.cwd();
}

export function userPath(p: string): string {
  return isAbsolute(p) ? p : resolve(userDir(), p);
}

/** A path as the user would type it from their directory. */
export function shownPath(p: string): string {
  const r = relative(userDir(), p);
  return r !== "" && !r.startsWith("..") && !isAbsolute(r) ? r : p;
}
