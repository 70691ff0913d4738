/**
 * After `stryker run`: reads reports/mutation/mutation.json and writes the
 * score and every surviving mutant, with its explanation from
 * bench/stryker_survivors.ts, into docs/mutants.md (between the markers).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { explain } from "./stryker_survivors";

interface Mutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
}

const report = JSON.parse(readFileSync("reports/mutation/mutation.json", "utf8")) as { files: Record<string, { source: string; mutants: Mutant[] }> };
const count = new Map<string, number>();
const survivors: string[] = [];
for (const [file, f] of Object.entries(report.files)) {
  const lines = f.source.split("\n");
  for (const m of f.mutants) {
    count.set(m.status, (count.get(m.status) ?? 0) + 1);
    if (m.status !== "Survived" && m.status !== "NoCoverage") continue;
    const line = lines[m.location.start.line - 1]!.trim();
    const why = explain(file, line, m.mutatorName, m.replacement ?? "");
    survivors.push(`| \`${file}:${m.location.start.line}\` | ${m.mutatorName} | \`${line.replace(/\|/g, "\\|").slice(0, 90)}\` → \`${(m.replacement ?? "").replace(/\|/g, "\\|").replace(/\n/g, " ").slice(0, 60)}\` | ${m.status} | ${why} |`);
  }
}
const killed = (count.get("Killed") ?? 0) + (count.get("Timeout") ?? 0);
const valid = killed + (count.get("Survived") ?? 0) + (count.get("NoCoverage") ?? 0);
const score = (100 * killed) / valid;
const body = [
  `Last run: \`npm run mutation\` (Stryker ${JSON.parse(readFileSync("node_modules/@stryker-mutator/core/package.json", "utf8")).version}, jest runner, TypeScript checker) over \`impl/\` (the mutant catalogue in \`impl/mutants/\` excluded), driven by the property suite with small fixed-seed budgets (\`jest.mutation.config.ts\`). String literals (step labels and BUG messages, which are output, not behaviour) are not mutated.`,
  "",
  `**Mutation score: ${score.toFixed(1)}%** (${killed} killed or timed out of ${valid}; ${[...count].map(([k, v]) => `${k} ${v}`).join(", ")}).`,
  "",
  "Every surviving mutant, and why it survives (an equivalent mutant, or the gap in the properties that lets it live):",
  "",
  "| where | mutator | change | status | why |",
  "|---|---|---|---|---|",
  ...survivors,
];
const path = "docs/mutants.md";
const text = readFileSync(path, "utf8");
const a = text.indexOf("<!-- stryker:begin -->");
const b = text.indexOf("<!-- stryker:end -->");
writeFileSync(path, `${text.slice(0, a + "<!-- stryker:begin -->".length)}\n${body.join("\n")}\n${text.slice(b)}`);
process.stderr.write(`mutation score ${score.toFixed(1)}% (${survivors.length} survivors written to ${path})\n`);
