/**
 * Numbers in docs/ that cannot go stale: every generated block
 * (`<!-- name:begin -->` ... `<!-- name:end -->`, checker/doc_markers.ts) of
 * the docs listed in DOC_BLOCKS is known, placed, and names its command; the
 * cheap ones are compared, line for line, with a fresh run of that command.
 * The dear ones are rewritten by `npm run bench -- figures`, the --compare
 * ones by `npm run bench -- compare`. Another doc joins by adding its blocks
 * to DOC_BLOCKS.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { docBlockPrefixes, docBlockSpecs, docBlock, docBlockNames, freshBlock, withDocBlock } from "../checker";

const DOC_BLOCKS = docBlockSpecs();
const DOC_BLOCK_PREFIXES = docBlockPrefixes();

const read = (file: string) => readFileSync(join(__dirname, "..", file), "utf8");

describe("the marker helper", () => {
  test("extracts and replaces a block, and refuses a doc without its markers", () => {
    const text = "a\n<!-- x:begin -->\nold 1\nold 2\n<!-- x:end -->\nb";
    expect(docBlock(text, "x")).toEqual(["old 1", "old 2"]);
    expect(docBlock(withDocBlock(text, "x", ["new"]), "x")).toEqual(["new"]);
    expect(withDocBlock(text, "x", ["new"])).toBe("a\n<!-- x:begin -->\nnew\n<!-- x:end -->\nb");
    expect(docBlock(text, "y")).toBeNull();
    expect(() => withDocBlock(text, "y", [])).toThrow(/markers/);
    expect(docBlockNames(text)).toEqual(["x"]);
  });

  test("an inline block stays on its line", () => {
    const text = "| a | <!-- cx:F-1/x:begin -->3 steps<!-- cx:F-1/x:end --> |";
    expect(docBlock(text, "cx:F-1/x")).toEqual(["3 steps"]);
    expect(withDocBlock(text, "cx:F-1/x", ["4 steps"], true)).toBe("| a | <!-- cx:F-1/x:begin -->4 steps<!-- cx:F-1/x:end --> |");
    expect(() => withDocBlock(text, "cx:F-1/x", ["a", "b"], true)).toThrow(/one line/);
    expect(docBlockNames(text)).toEqual(["cx:F-1/x"]);
  });
});

describe("generated blocks", () => {
  const files = [...new Set(DOC_BLOCKS.map((b) => b.file))];
  test.each(files)("%s: every block in the doc is a known one, and every known one is in the doc", (file) => {
    const known = DOC_BLOCKS.filter((b) => b.file === file).map((b) => b.name);
    const owned = docBlockNames(read(file)).filter((n) => DOC_BLOCK_PREFIXES.includes(n.split(":")[0]!));
    expect(owned.sort()).toEqual([...known].sort());
  });

  test.each(DOC_BLOCKS.filter((b) => b.cost === "cheap").map((b) => [b.file, b.name, b.command] as const))("%s %s equals a fresh run of `%s`", (file, name) => {
    const text = read(file);
    expect(docBlock(text, name)).toEqual(freshBlock(name, text));
  });
});
