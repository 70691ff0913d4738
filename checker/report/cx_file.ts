/**
 * The counterexample file: configuration, operations, preemptions and the
 * schedule as (thread, step label) pairs. `--replay` reads it back; anything
 * malformed is reported in one line (UsageError), never as a stack trace.
 */
import { invariantNamed } from "../../model/invariants";
import type { OpDesc } from "../../model/operations";
import { BadInput } from "../bad_input";
import { readJsonFile } from "../json_file";
import { findDesign, findMutant, type Variant, variantOf } from "../variants";
import type { Counterexample } from "./counterexample";

export const FILE_VERSION = 1;

export function serialize(cx: Counterexample): string {
  return `${JSON.stringify({ version: FILE_VERSION, ...cx }, null, 1)}\n`;
}

const OP_FIELDS: Record<OpDesc["kind"], string[]> = {
  page_fault: ["gfn", "level", "write", "quadrant"],
  unmap_hva_range: ["start", "end"],
  set_spte_hva: ["hva", "pfn", "write"],
  age_hva: ["hva"],
  test_age_hva: ["hva"],
  shadow_gfn: ["gfn"],
  get_dirty_log: ["gfn"],
  hw_access: ["gfn", "level", "quadrant", "write"],
  fast_page_fault: ["gfn", "quadrant"],
  zap_page: ["gfn", "level", "quadrant", "which"],
  invalid_all_pages: [],
  create_slot: ["id", "baseGfn", "npages", "userspaceAddr"],
  delete_slot: ["id"],
  begin_delete_slot: ["id"],
  unmap_invalid_slot: ["id"],
  unmap_invalid_rmap: ["id", "gfn", "level"],
  finish_delete_slot: ["id"],
  destroy_vm: [],
};

function fail(path: string, what: string): never {
  throw new BadInput(`malformed replay file ${path}: ${what}`);
}

function int(bad: (what: string) => never, v: unknown, what: string, min = 0, max = 1 << 20): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) bad(`${what} must be an integer in [${min}, ${max}]`);
  return v;
}

function checkOp(bad: (what: string) => never, o: unknown, where: string): void {
  if (typeof o !== "object" || o === null) bad(`${where} is not an operation`);
  const kind = (o as { kind?: unknown }).kind;
  if (typeof kind !== "string" || !Object.prototype.hasOwnProperty.call(OP_FIELDS, kind)) bad(`${where} has unknown kind ${JSON.stringify(kind)}`);
  for (const f of OP_FIELDS[kind as OpDesc["kind"]]) {
    const v = (o as Record<string, unknown>)[f];
    if (f === "write") {
      if (typeof v !== "boolean") bad(`${where}.${f} must be true or false`);
    } else if (f === "which") {
      if (v !== "oldest" && v !== "newest") bad(`${where}.which must be "oldest" or "newest"`);
    } else int(bad, v, `${where}.${f}`);
  }
}

/**
 * The configuration, set-up and threads of a trace (a counterexample file's
 * `trace`, or a scenario file): each malformed part is reported through
 * `bad` in one line. Returns the number of threads.
 */
export function checkTraceBody(t: Record<string, unknown>, bad: (what: string) => never): number {
  const cfg = t.config as { kvm?: Record<string, unknown>; slots?: unknown } | undefined;
  if (typeof cfg !== "object" || cfg === null || typeof cfg.kvm !== "object" || cfg.kvm === null) bad("no configuration");
  int(bad, cfg.kvm.PTE_LIST_EXT, "config.kvm.PTE_LIST_EXT", 2, 8);
  int(bad, cfg.kvm.levelShift, "config.kvm.levelShift", 1, 9);
  int(bad, cfg.kvm.sptesPerPage, "config.kvm.sptesPerPage", 1, 512);
  if (typeof cfg.kvm.adBits !== "boolean") bad("config.kvm.adBits must be true or false");
  if (!Array.isArray(cfg.slots) || cfg.slots.length > 4) bad("config.slots must be a list of at most 4 slots");
  cfg.slots.forEach((s: Record<string, unknown>, i: number) => {
    for (const k of ["id", "baseGfn", "userspaceAddr"]) int(bad, s?.[k], `config.slots[${i}].${k}`);
    int(bad, s?.npages, `config.slots[${i}].npages`, 1, 4096);
  });
  if (!Array.isArray(t.setup)) bad("setup must be a list");
  t.setup.forEach((o, i) => checkOp(bad, o, `setup[${i}]`));
  if (!Array.isArray(t.threads) || t.threads.length === 0 || t.threads.length > 8) bad("threads must be a list of 1 to 8 threads");
  t.threads.forEach((th: Record<string, unknown>, i: number) => {
    if (!["ioctl", "zapper", "notifier", "vcpu", "hw"].includes(th?.role as string)) bad(`threads[${i}].role is unknown`);
    if (!Array.isArray(th.ops)) bad(`threads[${i}].ops must be a list`);
    th.ops.forEach((o, j) => checkOp(bad, o, `threads[${i}].ops[${j}]`));
  });
  return t.threads.length;
}

/** A counterexample file, read and validated, with its variant resolved. */
export interface LoadedCounterexample {
  cx: Counterexample;
  variant: Variant;
}

/** Read and validate a counterexample file. */
export function load(path: string): LoadedCounterexample {
  const f = readJsonFile(path, "replay file") as Record<string, unknown>;
  if (typeof f !== "object" || f === null) fail(path, "not an object");
  if (f.version !== FILE_VERSION) fail(path, `version must be ${FILE_VERSION}`);
  const t = f.trace as Record<string, unknown> | undefined;
  if (typeof t !== "object" || t === null) fail(path, "no trace");
  const design = typeof t.design === "string" ? findDesign(t.design) : undefined;
  if (design === undefined) fail(path, `unknown design ${JSON.stringify(t.design)}`);
  const mutant = f.mutant === undefined ? null : typeof f.mutant === "string" ? findMutant(f.mutant) : undefined;
  if (mutant === undefined) fail(path, `unknown mutant ${JSON.stringify(f.mutant)}`);
  const bad = (what: string): never => fail(path, what);
  const n = checkTraceBody(t, bad);
  if (!Array.isArray(t.preemptions)) fail(path, "preemptions must be a list");
  t.preemptions.forEach((p: Record<string, unknown>, i: number) => {
    int(bad, p?.thread, `preemptions[${i}].thread`, 0, n - 1);
    int(bad, p?.after, `preemptions[${i}].after`);
    int(bad, p?.to, `preemptions[${i}].to`, 0, n - 1);
  });
  if (!Array.isArray(f.schedule)) fail(path, "schedule must be a list of {thread, label}");
  f.schedule.forEach((s: Record<string, unknown>, i: number) => {
    int(bad, s?.thread, `schedule[${i}].thread`, 0, n - 1);
    if (typeof s.label !== "string") fail(path, `schedule[${i}].label must be a string`);
  });
  const v = f.violation as Record<string, unknown> | undefined;
  if (typeof v !== "object" || v === null || typeof v.invariant !== "string" || invariantNamed(v.invariant) === undefined) fail(path, "violation.invariant must name an invariant");
  return { cx: f as unknown as Counterexample, variant: variantOf(design, mutant) };
}
