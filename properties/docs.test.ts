/** docs/ stays true to the code: every name in the code's tables has its row, and no row names something gone. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { listing } from "../checker/variants";
import { MUTANTS } from "../impl/mutants";
import { defaultSymbols } from "../impl/symbols";
import { INVARIANTS } from "../model/invariants";

const doc = (name: string) => readFileSync(join(__dirname, "..", name), "utf8");
const rowNames = (text: string) => [...text.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);

describe("documentation", () => {
  test("docs/invariants.md lists exactly the invariants of model/invariants.ts", () => {
    const rows = rowNames(doc("docs/invariants.md"));
    const names = INVARIANTS.map((i) => i.name);
    expect([...new Set(rows)].sort()).toEqual([...names].sort());
  });

  test("docs/symbol-map.md has one row per kernel symbol of impl/symbols.ts", () => {
    expect(rowNames(doc("docs/symbol-map.md")).sort()).toEqual(Object.keys(defaultSymbols).sort());
  });

  test("docs/mutants.md describes every catalogued mutant", () => {
    const text = doc("docs/mutants.md");
    for (const m of MUTANTS) expect(text).toContain(`| \`${m.name}\` |`);
  });

  test("docs/findings.md gives a verdict for every design", () => {
    const text = doc("docs/findings.md");
    for (const d of listing().designs) expect(text).toContain(`\`${d.name}\``);
  });

  test("the README's first screen gives the two commands", () => {
    const first = doc("README.md").split("\n").slice(0, 20).join("\n");
    expect(first).toContain("npm ci && npm start");
    expect(first).toContain("npm test");
  });
});
