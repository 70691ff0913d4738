/** docs/ stays true to the code: every name in the code's tables has its row, and no row names something gone. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { scenariosOf } from "../checker/exhaustive/scenario_files";
import { WORKER_STALL_MS } from "../runtime/worker_stall";
import { mixWeights } from "../checker/lockless/concurrent_arbitraries";
import { listing, resolveSubject } from "../checker/variants";
import { LOCKLESS_MUTANTS } from "../impl/lockless/mutants";
import { defaultLocklessSymbols } from "../impl/lockless/symbols";
import { MUTANTS } from "../impl/mutants";
import { defaultSymbols } from "../impl/symbols";
import { INVARIANTS } from "../model/invariants";
import { LOCKLESS_INVARIANTS } from "../model/lockless/invariants";

const doc = (name: string) => readFileSync(join(__dirname, "..", name), "utf8");
const rowNames = (text: string) => [...text.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);
/** A page's 2013 part and its lockless part (from the heading "## The lockless subject" on). */
const LOCKLESS_HEADING = "\n## The lockless subject";
const parts = (text: string): [string, string] => {
  const i = text.indexOf(LOCKLESS_HEADING);
  return i < 0 ? [text, ""] : [text.slice(0, i), text.slice(i)];
};

describe("documentation", () => {
  test("docs/invariants.md lists exactly the invariants of model/invariants.ts, then those of model/lockless/invariants.ts", () => {
    const [series, lockless] = parts(doc("docs/invariants.md"));
    expect([...new Set(rowNames(series))].sort()).toEqual(INVARIANTS.map((i) => i.name).sort());
    expect([...new Set(rowNames(lockless))].sort()).toEqual(LOCKLESS_INVARIANTS.map((i) => i.name).sort());
  });

  test("docs/symbol-map.md has one row per kernel symbol of impl/symbols.ts, then of impl/lockless/symbols.ts", () => {
    const [series, lockless] = parts(doc("docs/symbol-map.md"));
    expect(rowNames(series).sort()).toEqual(Object.keys(defaultSymbols).sort());
    expect(rowNames(lockless).sort()).toEqual(Object.keys(defaultLocklessSymbols).sort());
  });

  test("docs/mutants.md describes every catalogued mutant of both subjects", () => {
    const [series, lockless] = parts(doc("docs/mutants.md"));
    for (const m of MUTANTS) expect(series).toContain(`| \`${m.name}\` |`);
    for (const m of LOCKLESS_MUTANTS) expect(lockless).toContain(`| \`${m.name}\` |`);
  });

  test("the lockless catalogue's size is stated truly: README says the catalogue's, findings-lockless.md the main bench table's, and every mutant has a 20-seed row", () => {
    const n = LOCKLESS_MUTANTS.length;
    expect(doc("README.md")).toContain(`the subject's ${n} mutants`);
    expect(doc("README.md").replace(/\s+/g, " ")).toContain(`(the series' ${resolveSubject("series").mutants.length} mutants, or the ${n} of \`lockless-aging\`, each up to`);
    expect(doc("README.md")).toMatch(new RegExp(`the\\s+${scenariosOf(resolveSubject("lockless-aging")).length}\\s+lockless\\s+scenarios`));
    const text = doc("docs/mutants.md");
    const block = (name: string) => text.slice(text.indexOf(`<!-- ${name}:begin -->`), text.indexOf(`<!-- ${name}:end -->`));
    const main = rowNames(block("bench:lockless-aging"));
    const m = main.length;
    expect(block("bench:lockless-aging")).toMatch(new RegExp(`Detected on every seed: \\d+/${m}\\.`));
    expect(doc("docs/findings-lockless.md")).toMatch(new RegExp(`the\\s+${m}\\s+mutants\\s+of\\s+its\\s+main\\s+table`));
    const origins = [...text.matchAll(/<!-- (bench:lockless-aging:[a-z0-9-]+):begin -->/g)].map((x) => x[1]!);
    const rowed = new Set([...main, ...origins.flatMap((o) => rowNames(block(o)))]);
    expect(LOCKLESS_MUTANTS.map((x) => x.name).filter((x) => !rowed.has(x))).toEqual([]);
  });

  test("docs/exhaustive.md's lockless grids cover every lockless scenario and mutant, and agree with docs/mutants.md's fewest preemptions", () => {
    const subject = resolveSubject("lockless-aging");
    const text = doc("docs/exhaustive.md");
    const block = text.slice(text.indexOf("<!-- bench:lockless-aging:begin -->"), text.indexOf("<!-- bench:lockless-aging:end -->"));
    const rows = new Map([...block.matchAll(/^\| `([^`]+)` \|(.*)$/gm)].map((m) => [m[1]!, m[2]!.split("|").map((c) => c.trim())]));
    const scenarios = scenariosOf(subject).map((x) => x.name);
    expect(scenarios.filter((n) => !rows.has(n))).toEqual([]);
    expect(LOCKLESS_MUTANTS.map((m) => m.name).filter((n) => !rows.has(n))).toEqual([]);
    // docs/mutants.md's last column: "P (`scenario`)", the fewest on the mutant's own scenario; over every scenario it is no more.
    const catalogue = new Map([...doc("docs/mutants.md").matchAll(/^\| `([^`]+)` \|.*\| (\d+) \(`[^`]+`\) \|$/gm)].map((m) => [m[1]!, Number(m[2])]));
    for (const m of LOCKLESS_MUTANTS) {
      const own = catalogue.get(m.name);
      const fewest = rows.get(m.name)![1]!;
      expect(fewest).not.toBe("-");
      if (own !== undefined) expect(Number(fewest)).toBeLessThanOrEqual(own);
    }
    // docs/mutants.md, "Mutants that need a race": none of origin race is shown without a preemption on any scenario.
    const race = LOCKLESS_MUTANTS.filter((m) => m.origin === "race");
    expect(race.length).toBe(12);
    for (const m of race) expect(Number(rows.get(m.name)![1])).toBeGreaterThanOrEqual(1);
  });

  test("docs/findings-lockless.md gives a verdict for every design of the lockless subject", () => {
    const text = doc("docs/findings-lockless.md");
    for (const d of listing(resolveSubject("lockless-aging")).designs) expect(text).toContain(`\`${d.name}\``);
  });

  test("docs/findings.md gives a verdict for every design", () => {
    const text = doc("docs/findings.md");
    for (const d of listing().designs) expect(text).toContain(`\`${d.name}\``);
  });

  test("the lockless generator's mix weights quoted in docs/ are today's (\"weight W of T\", \"the mixes weigh T\")", () => {
    const weights = mixWeights("aligned");
    expect(mixWeights("any")).toEqual(weights);
    const total = weights.reduce((a, b) => a + b, 0);
    let quotes = 0;
    for (const name of ["docs/mutants.md", "docs/findings-lockless.md", "docs/model.md", "docs/benchmarks.md", "docs/exhaustive.md"]) {
      const text = doc(name).replace(/\s+/g, " ");
      for (const m of text.matchAll(/weight (\d+) of (\d+)/g)) {
        expect({ name, quote: m[0], weight: weights.includes(Number(m[1])), total: Number(m[2]) }).toEqual({ name, quote: m[0], weight: true, total });
        quotes++;
      }
      for (const m of text.matchAll(/the mixes weigh (\d+)/g)) {
        expect({ name, quote: m[0] }).toEqual({ name, quote: `the mixes weigh ${total}` });
        quotes++;
      }
    }
    expect(quotes).toBeGreaterThan(0);
  });

  test("docs/architecture.md states the workers' stall time as runtime/worker_stall.ts has it", () => {
    const minutes = ["no", "one", "two", "three", "four", "five"][WORKER_STALL_MS / 60_000];
    expect(doc("docs/architecture.md").replace(/\s+/g, " ")).toContain(`no report came for ${minutes} minutes (\`WORKER_STALL_MS\``);
  });

  test("the README's first screen gives the two commands", () => {
    const first = doc("README.md").split("\n").slice(0, 20).join("\n");
    expect(first).toContain("npm ci && npm start");
    expect(first).toContain("npm test");
  });
});
