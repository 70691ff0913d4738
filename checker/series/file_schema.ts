/**
 * What a counterexample file of the 2013 series may hold: its configuration
 * and its operations, checked field by field when the file is read back.
 */
import type { OpDesc } from "../../model/operations";
import type { Fail } from "../subject";

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
  finish_delete_slot: ["id"],
  destroy_vm: [],
};

/** An integer field in [min, max]. */
export function checkInt(fail: Fail, v: unknown, what: string, min = 0, max = 1 << 20): void {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) fail(`${what} must be an integer in [${min}, ${max}]`);
}

export function checkSeriesOp(o: unknown, where: string, fail: Fail): void {
  if (typeof o !== "object" || o === null) fail(`${where} is not an operation`);
  const kind = (o as { kind?: unknown }).kind;
  if (typeof kind !== "string" || !Object.prototype.hasOwnProperty.call(OP_FIELDS, kind)) fail(`${where} has unknown kind ${JSON.stringify(kind)}`);
  for (const f of OP_FIELDS[kind as OpDesc["kind"]]) {
    const v = (o as Record<string, unknown>)[f];
    if (f === "write") {
      if (typeof v !== "boolean") fail(`${where}.${f} must be true or false`);
    } else if (f === "which") {
      if (v !== "oldest" && v !== "newest") fail(`${where}.which must be "oldest" or "newest"`);
    } else checkInt(fail, v, `${where}.${f}`);
  }
}

export function checkSeriesConfig(raw: unknown, fail: Fail): void {
  const cfg = raw as { kvm?: Record<string, unknown>; slots?: unknown } | undefined;
  if (typeof cfg !== "object" || cfg === null || typeof cfg.kvm !== "object" || cfg.kvm === null) fail("no configuration");
  checkInt(fail, cfg.kvm.PTE_LIST_EXT, "config.kvm.PTE_LIST_EXT", 2, 8);
  checkInt(fail, cfg.kvm.levelShift, "config.kvm.levelShift", 1, 9);
  checkInt(fail, cfg.kvm.sptesPerPage, "config.kvm.sptesPerPage", 1, 512);
  if (typeof cfg.kvm.adBits !== "boolean") fail("config.kvm.adBits must be true or false");
  if (!Array.isArray(cfg.slots) || cfg.slots.length > 4) fail("config.slots must be a list of at most 4 slots");
  cfg.slots.forEach((s: Record<string, unknown>, i: number) => {
    for (const k of ["id", "baseGfn", "userspaceAddr"]) checkInt(fail, s?.[k], `config.slots[${i}].${k}`);
    checkInt(fail, s?.npages, `config.slots[${i}].npages`, 1, 4096);
  });
}
