/**
 * What a counterexample file of the lockless subject may hold: its
 * configuration and its operations, checked field by field when read back.
 */
import type { LocklessOp } from "../../model/lockless/operations";
import type { Fail } from "../subject";

const OP_FIELDS: Record<LocklessOp["kind"], string[]> = {
  page_fault: ["gfn", "level", "quadrant", "write", "nested"],
  fast_page_fault: ["gfn", "level", "quadrant", "write"],
  hw_access: ["gfn", "level", "quadrant", "write", "nested"],
  clear_young: ["start", "end", "flush"],
  test_young: ["hva"],
  unmap_gfn_range: ["start", "end"],
  zap_sp: ["gfn", "level", "quadrant", "nested"],
  get_dirty_log: ["gfn"],
  write_protect_gfn: ["gfn"],
};
const BOOLEAN_FIELDS = new Set(["write", "nested", "flush"]);

function int(fail: Fail, v: unknown, what: string, min: number, max: number): void {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) fail(`${what} must be an integer in [${min}, ${max}]`);
}

export function checkLocklessOp(o: unknown, where: string, fail: Fail): void {
  if (typeof o !== "object" || o === null) fail(`${where} is not an operation`);
  const kind = (o as { kind?: unknown }).kind;
  if (typeof kind !== "string" || !Object.prototype.hasOwnProperty.call(OP_FIELDS, kind)) fail(`${where} has unknown kind ${JSON.stringify(kind)}`);
  const rec = o as Record<string, unknown>;
  for (const f of OP_FIELDS[kind as LocklessOp["kind"]]) {
    if (BOOLEAN_FIELDS.has(f)) {
      if (typeof rec[f] !== "boolean") fail(`${where}.${f} must be true or false`);
    } else if (f === "level") int(fail, rec[f], `${where}.level`, 1, 5);
    else int(fail, rec[f], `${where}.${f}`, 0, 1 << 20);
  }
  if ((kind === "clear_young" || kind === "unmap_gfn_range") && (rec.end as number) <= (rec.start as number)) fail(`${where}.end must be above start`);
}

export function checkLocklessConfig(raw: unknown, fail: Fail): void {
  const cfg = raw as { kvm?: Record<string, unknown>; slot?: Record<string, unknown> } | undefined;
  if (typeof cfg !== "object" || cfg === null || typeof cfg.kvm !== "object" || cfg.kvm === null) fail("no configuration");
  if (typeof cfg.slot !== "object" || cfg.slot === null) fail("config.slot must be a memslot");
  const k = cfg.kvm;
  int(fail, k.PTE_LIST_EXT, "config.kvm.PTE_LIST_EXT", 2, 64);
  int(fail, k.levelShift, "config.kvm.levelShift", 1, 9);
  int(fail, k.KVM_MAX_HUGEPAGE_LEVEL, "config.kvm.KVM_MAX_HUGEPAGE_LEVEL", 1, 5);
  int(fail, k.sptesPerPage, "config.kvm.sptesPerPage", 1, 512);
  int(fail, k.RMAP_RECYCLE_THRESHOLD, "config.kvm.RMAP_RECYCLE_THRESHOLD", 0, 1 << 20);
  for (const f of ["kvm_ad_enabled", "dirtyLogging", "pml"]) if (typeof k[f] !== "boolean") fail(`config.kvm.${f} must be true or false`);
  if (k.pml === true && k.kvm_ad_enabled !== true) fail("config.kvm.pml needs kvm_ad_enabled (vmx: no PML without EPT A/D bits)");
  int(fail, cfg.slot.baseGfn, "config.slot.baseGfn", 0, 1 << 16);
  int(fail, cfg.slot.npages, "config.slot.npages", 1, 4096);
  int(fail, cfg.slot.userspaceAddr, "config.slot.userspaceAddr", 0, 1 << 16);
}
