/**
 * Replay files that cannot be a real run are refused as malformed (exit 2 in
 * the CLI), not replayed: a configuration the model cannot be in (overlapping
 * slots: the model's init refuses the second, as the kernel's CREATE does),
 * and a file edited to claim what its run did not have (tso: true on a
 * sequentially consistent schedule, failedAt: null on a violation at a step,
 * tso: true against the options that made it). A genuine x86-TSO
 * counterexample of the corpus still replays.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BadInput, replay } from "../checker";

const dir = mkdtempSync(join(tmpdir(), "rmapcheck-refusal-"));
const corpus = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(__dirname, "corpus", name), "utf8")) as Record<string, unknown>;
const SC = "v3-INV-SP-LIVE-seed1.json";

function refused(name: string, edit: (f: Record<string, any>) => void): string {
  const f = corpus(SC) as Record<string, any>;
  edit(f);
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(f));
  try {
    replay(path);
  } catch (e) {
    expect(e).toBeInstanceOf(BadInput);
    return (e as Error).message;
  }
  throw new Error(`${name} was replayed`);
}

describe("replay refuses files that cannot be a real run", () => {
  test("the unedited file replays its violation", () => {
    expect(replay(join(__dirname, "corpus", SC)).status).toBe(1);
  });

  test("overlapping slots: the model's init refuses the second slot", () => {
    const msg = refused("overlap.json", (f) => {
      f.trace.config.slots.push({ id: 1, baseGfn: 0, npages: 1, userspaceAddr: 128 });
    });
    expect(msg).toMatch(/^malformed file .*overlap\.json: trace\.config\.slots\.1: the model's init refuses slot 1/);
  });

  test("tso: true on a sequentially consistent schedule", () => {
    const msg = refused("tso.json", (f) => {
      f.tso = true;
    });
    expect(msg).toMatch(/^malformed file .*tso\.json: tso: is true, but its schedule is sequentially consistent/);
  });

  test("tso: true against the options that made the file", () => {
    const msg = refused("tso-options.json", (f) => {
      f.version = 2;
      f.tool = { name: "rmapcheck", version: "0.1.0" };
      f.options = { subject: "series", design: "v3", mutant: null, mode: "sampled", seed: 1, runs: 20000, sequences: 100, scheduler: "pct", depth: 3, tso: false };
      f.tso = true;
    });
    expect(msg).toMatch(/^malformed file .*tso-options\.json: tso: is true, but options\.tso .* is false/);
  });

  test("failedAt: null on a violation found at a step", () => {
    const msg = refused("failedat.json", (f) => {
      f.failedAt = null;
    });
    expect(msg).toMatch(/^malformed file .*failedat\.json: failedAt: is null, but its run fails at its last step, 24/);
  });

  test("an x86-TSO file's switch may name a store buffer (thread n..2n-1); one beyond the buffers is refused", () => {
    const tso = (name: string, thread: number): string | null => {
      const f = corpus("v3-fixed-handshake-no-mb-INV-MEM-tso-seed3.json") as Record<string, any>;
      f.trace.preemptions.push({ thread, after: 1, to: 0 });
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify(f));
      try {
        replay(path);
        return null;
      } catch (e) {
        return (e as Error).message;
      }
    };
    const n = (corpus("v3-fixed-handshake-no-mb-INV-MEM-tso-seed3.json") as any).trace.threads.length as number;
    expect(tso("tso-buffer.json", n) ?? "").not.toMatch(/names a thread beyond/);
    expect(tso("tso-beyond.json", 2 * n)).toMatch(new RegExp(`trace\\.preemptions\\.\\d+: names a thread beyond the ${2 * n} threads \\(store buffers included\\)`));
  });

  test("a genuine x86-TSO counterexample still replays", () => {
    expect(replay(join(__dirname, "corpus", "v3-fixed-handshake-no-mb-INV-MEM-tso-seed3.json")).status).toBe(1);
  });
});
