/**
 * `npm run bench -- PART...` (bench/main.ts): an unknown part is refused with one line and exit
 * 2 before anything runs, and docs/benchmarks.md's first paragraph names every part the bench
 * knows (the bench rewrites that paragraph on every run; this keeps the committed one true).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(__dirname, "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");

describe("bench/main.ts: its parts", () => {
  const r = spawnSync(TSX, [join(ROOT, "bench", "main.ts"), "stepping", "no-such-part"], { encoding: "utf8", cwd: ROOT, timeout: 60_000 });
  const parts = /\(parts: ([^)]*)\)/.exec(r.stderr)?.[1]?.split(", ") ?? [];

  test("an unknown part: one line naming it and the parts there are, exit 2, nothing run", () => {
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^rmapcheck bench: unknown part no-such-part \(parts: /);
    expect(r.stderr).not.toContain("[bench]");
    expect(parts).toContain("stepping");
  });

  test("docs/benchmarks.md's first paragraph names every part, and only those", () => {
    const header = readFileSync(join(ROOT, "docs", "benchmarks.md"), "utf8").split("\n").find((l) => l.startsWith("Written by `npm run bench`"))!;
    const listed = /with PART one of (.*?); tables go/.exec(header)![1]!.split(", ").map((p) => p.replace(/ \(.*\)$/, ""));
    expect(listed).toEqual(parts);
  });
});
