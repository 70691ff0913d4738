/**
 * Names are resolved once, to own entries only: a name that JavaScript finds
 * on Object.prototype is an unknown name like any other, on the command line
 * and in a counterexample file.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BadInput } from "../checker/bad_input";
import { loadCounterexample as load } from "../checker/report/cx_read";
import { asSeries } from "../checker/series/variants";
import { catalogue, resolveVariant } from "../checker/variants";

const PROTO_NAMES = ["toString", "__proto__", "constructor", "hasOwnProperty", "valueOf"];

describe("variants", () => {
  test.each(PROTO_NAMES)("design %s is unknown", (name) => {
    expect(() => resolveVariant(name, null)).toThrow(BadInput);
    expect(() => resolveVariant(name, null)).toThrow(/unknown design/);
  });

  test.each(PROTO_NAMES)("mutant %s is unknown", (name) => {
    expect(() => resolveVariant(null, name)).toThrow(/unknown mutant/);
  });

  test("defaults: v3 alone, a mutant's own design, v3-fixed for the rest", () => {
    expect(resolveVariant(null, null).design.name).toBe("v3");
    expect(resolveVariant(null, "baseline-delete-skips-zap").design.name).toBe("baseline");
    expect(resolveVariant(null, "no-backfill").design.name).toBe("v3-fixed");
    expect(resolveVariant("v3", "no-backfill").design.name).toBe("v3");
  });

  test("every catalogued mutant replaces at least one symbol of its design", () => {
    for (const c of catalogue()) {
      const v = asSeries(c);
      const base = asSeries(resolveVariant(v.design.name, null)).symbols;
      const changed = Object.keys(v.symbols).filter((k) => v.symbols[k as keyof typeof base] !== base[k as keyof typeof base]);
      expect(changed.length).toBeGreaterThan(0);
    }
  });

  test("a counterexample file naming an operation kind, design or mutant found on Object.prototype is malformed", () => {
    const dir = mkdtempSync(join(tmpdir(), "rmapcheck-"));
    const good = JSON.parse(readFileSync(join(__dirname, "corpus", "v3-INV-SP-LIVE-seed1.json"), "utf8"));
    const cases: Array<[string, (f: any) => void]> = [
      ["op kind", (f) => (f.trace.setup = [{ kind: "constructor" }])],
      ["design", (f) => (f.trace.design = "toString")],
      ["mutant", (f) => (f.mutant = "__proto__")],
      ["invariant", (f) => (f.violation.invariant = "constructor")],
    ];
    for (const [what, edit] of cases) {
      const f = structuredClone(good);
      edit(f);
      const path = join(dir, `${what.replace(" ", "-")}.json`);
      writeFileSync(path, JSON.stringify(f));
      expect(() => load(path)).toThrow(BadInput);
      expect(() => load(path)).toThrow(/malformed file/);
    }
  });
});
