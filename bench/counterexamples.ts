/**
 * npm run bench -- counterexamples: the examples of docs/counterexamples.md,
 * from fresh replays of corpus files, written between its markers (cx:narrow,
 * cx:tso, cx:wide). properties/cli_script.test.ts checks each block against
 * the binary's replay of the same file, so the examples cannot drift.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { formatter, replay } from "../checker";

/** Each block: the corpus file replayed, the format, and which lines of the output it shows. */
export const EXAMPLES = {
  narrow: { file: "properties/corpus/v3-INV-SP-LIVE-seed1.json", format: "narrow" as const },
  tso: { file: "properties/corpus/v3-fixed-handshake-no-mb-INV-MEM-tso-seed3.json", format: "narrow" as const },
  wide: { file: "properties/corpus/v3-no-handshake-INV-MEM-seed1.json", format: "wide" as const },
};
export type ExampleName = keyof typeof EXAMPLES;

/**
 * The lines a block shows of a replay's output, from its VIOLATION line:
 * narrow, the counterexample up to its replay command; tso, the steps that a store buffer changed
 * (wrapped lines kept), "..." between runs of them; wide, its first two lines.
 */
export function excerpt(name: ExampleName, output: string): string[] {
  const all = output.split("\n");
  const lines = all.slice(Math.max(0, all.findIndex((l) => l.startsWith("VIOLATION of "))));
  if (name === "wide") return lines.slice(0, 2);
  if (name === "narrow") {
    const at = lines.findIndex((l) => l.startsWith("replay:"));
    return lines.slice(0, lines[at] === "replay:" ? at + 2 : at + 1);
  }
  const out: string[] = [];
  let last = -2;
  for (let i = 0; i < lines.length; i++) {
    if (!/^ *(>>)?\d+ CPU/.test(lines[i]!)) continue;
    let j = i + 1;
    while (j < lines.length && /^ {13}\S/.test(lines[j]!)) j++;
    const step = lines.slice(i, j);
    if (step.some((l) => l.includes("(buffered)") || l.includes("(misses the buffered store"))) {
      if (out.length > 0 && last !== i) out.push("   ...");
      out.push(...step);
      last = j;
    }
  }
  return out;
}

export function counterexampleExamples(log: (s: string) => void): void {
  const path = "docs/counterexamples.md";
  let text = readFileSync(path, "utf8");
  for (const [name, e] of Object.entries(EXAMPLES) as Array<[ExampleName, (typeof EXAMPLES)[ExampleName]]>) {
    log(`[bench] counterexamples: ${name} from ${e.file}`);
    const r = replay(e.file, { name: e.file, format: formatter(e.format, null) });
    const begin = `<!-- cx:${name}:begin -->`;
    const end = `<!-- cx:${name}:end -->`;
    const a = text.indexOf(begin);
    const b = text.indexOf(end);
    if (a < 0 || b < a) throw new Error(`${path} lacks the markers ${begin} / ${end}`);
    text = `${text.slice(0, a + begin.length)}\n\`\`\`\n${excerpt(name, r.text).join("\n")}\n\`\`\`\n${text.slice(b)}`;
  }
  writeFileSync(path, text);
}
