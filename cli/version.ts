/** The tool's version, from package.json (found from this file, in cli/ or dist/cli/). */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export function toolVersion(): string {
  for (let d = __dirname; d !== dirname(d); d = dirname(d)) {
    const p = join(d, "package.json");
    if (existsSync(p)) {
      const pkg = JSON.parse(readFileSync(p, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "rmapcheck") return pkg.version ?? "0.0.0";
    }
  }
  return "0.0.0";
}
