/**
 * `--list` as text in at most 80 columns: each name, then its description
 * wrapped at spaces and indented under the first line's text.
 */
import { listing, scenarioListing, type Subject } from "../checker";

const WIDTH = 80;

/** "  name  text" wrapped to WIDTH, continuation lines indented to the text's column. */
export function entry(name: string, nameWidth: number, text: string): string[] {
  const indent = " ".repeat(2 + nameWidth + 1);
  const out: string[] = [];
  let line = `  ${name.padEnd(nameWidth)}`;
  // A name longer than its column puts the text on the next line.
  if (line.length >= indent.length) {
    out.push(line);
    line = indent.slice(0, -1);
  }
  for (const word of text.split(" ")) {
    if (line.length + 1 + word.length > WIDTH && line.trim() !== "" && line.length > indent.length) {
      out.push(line);
      line = indent.slice(0, -1);
    }
    line += ` ${word}`;
  }
  out.push(line);
  return out;
}

export function listText(subject: Subject): string {
  const l = listing(subject);
  const w = Math.min(24, Math.max(...l.designs.map((x) => x.name.length)));
  const d = l.designs.flatMap((x) => entry(x.name, w, `${x.summary}${x.knownRace === null ? "" : ` [known violation: ${x.knownRace}]`}`));
  const m = l.mutants.flatMap((x) => entry(x.name, 30, x.bug));
  const scenarios = scenarioListing(subject);
  const sc = scenarios.flatMap((x) => entry(x.name, 30, x.description));
  return [`subject ${l.subject}`, "designs:", ...d, "", `mutants (${l.mutants.length}):`, ...m, "", `scenarios for --exhaustive (${scenarios.length}):`, ...sc].join("\n");
}
