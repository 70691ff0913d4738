/**
 * The vocabulary of atomic steps (DESIGN-NOTES §1).
 *
 * Every kernel function in impl/ is a generator. At each shared access it yields
 * one Step describing the access; the runtime performs it at the moment it
 * schedules the step and resumes the thread with the result (a loaded or old
 * value, an allocated address, or 0). The interleaving point is therefore just
 * before each access, and each access is atomic.
 *
 * Labels are in kernel terms: "<kernel function>: <access>".
 */

/** Kinds of simulated objects; an access names the kind it expects to hit. */
export type ObjKind =
  | "kvm" // struct kvm (arch fields used by the series)
  | "memslots" // struct kvm_memslots
  | "memslot" // struct kvm_memory_slot (arch part included)
  | "rmap" // one level's rmap head array of a memslot
  | "pte_list_desc"
  | "spt" // the page of sptes of a shadow page
  | "mmu_page"; // struct kvm_mmu_page header

export type StepOp =
  | "load"
  | "store"
  | "xchg"
  | "cmpxchg"
  | "lock_or" // LOCK OR: hardware A/D or an atomic set_bit
  | "lock_and" // LOCK AND: clear_bit
  | "hw_walk" // the CPU's page walk: atomically, if present (and writable when cmp = 1), OR in val
  | "alloc"
  | "free"
  | "spin_lock"
  | "spin_unlock"
  | "smp_mb"
  | "srcu_read_lock"
  | "srcu_read_unlock"
  | "synchronize_srcu"
  | "wait_while" // one spin of `while (READ_ONCE(*addr) == val) cpu_relax();`
  | "wait_until" // one spin of `while (READ_ONCE(*addr) != val) cpu_relax();`
  | "set_pfn_accessed"
  | "set_pfn_dirty"
  | "flush_remote_tlbs" // kvm_flush_remote_tlbs: IPI, waits for lockless walkers
  | "reload_remote_mmus" // kvm_reload_remote_mmus: same wait, vCPUs drop obsolete roots
  | "lockless_begin" // walk_shadow_page_lockless_begin
  | "lockless_end"
  | "wait_vcpus_exit" // kvm_destroy_vm runs after the last vCPU dropped its reference
  | "warn"; // WARN_ON fired: recorded, execution continues

export interface Step {
  op: StepOp;
  /** Byte address of the word (0 when the op touches no word). */
  addr: number;
  /** Object kind the access expects (deref validity is checked against it). */
  kind: ObjKind | null;
  /** Value stored / new value / alloc word count / pfn for set_pfn_*. */
  val: number;
  /** Expected old value for cmpxchg, value to spin on for wait_while. */
  cmp: number;
  /** Kernel-terms label, e.g. "rmap_get_next: load desc->sptes[1]". */
  label: string;
}

/** A kernel function: yields steps, receives the step's result, returns T. */
export type KGen<T> = Generator<Step, T, number>;

function mk(op: StepOp, addr: number, kind: ObjKind | null, val: number, cmp: number, label: string): Step {
  return { op, addr, kind, val, cmp, label };
}

export const load = (addr: number, kind: ObjKind, label: string): Step => mk("load", addr, kind, 0, 0, label);
export const store = (addr: number, kind: ObjKind, val: number, label: string): Step =>
  mk("store", addr, kind, val, 0, label);
export const xchg = (addr: number, kind: ObjKind, val: number, label: string): Step =>
  mk("xchg", addr, kind, val, 0, label);
/** cmpxchg(addr, old, new): returns the value found; stored only if it equalled old. */
export const cmpxchg = (addr: number, kind: ObjKind, old: number, val: number, label: string): Step =>
  mk("cmpxchg", addr, kind, val, old, label);
export const lockOr = (addr: number, kind: ObjKind, bits: number, label: string): Step =>
  mk("lock_or", addr, kind, bits, 0, label);
export const lockAnd = (addr: number, kind: ObjKind, bits: number, label: string): Step =>
  mk("lock_and", addr, kind, bits, 0, label);
/** Allocate `words` zeroed words of an object of `kind`; returns its byte address. */
/** The page walker's A/D update: one atomic step that re-checks presence (and W for a write). */
export const hwWalk = (addr: number, bits: number, needWritable: boolean, label: string): Step =>
  mk("hw_walk", addr, "spt", bits, needWritable ? 1 : 0, label);
export const alloc = (kind: ObjKind, words: number, label: string): Step => mk("alloc", 0, kind, words, 0, label);
export const free = (addr: number, kind: ObjKind, label: string): Step => mk("free", addr, kind, 0, 0, label);
export const spinLock = (label: string): Step => mk("spin_lock", 0, null, 0, 0, label);
export const spinUnlock = (label: string): Step => mk("spin_unlock", 0, null, 0, 0, label);
export const smpMb = (label: string): Step => mk("smp_mb", 0, null, 0, 0, label);
export const srcuReadLock = (label: string): Step => mk("srcu_read_lock", 0, null, 0, 0, label);
export const srcuReadUnlock = (label: string): Step => mk("srcu_read_unlock", 0, null, 0, 0, label);
export const synchronizeSrcu = (label: string): Step => mk("synchronize_srcu", 0, null, 0, 0, label);
/** Blocks while *addr == val; the step that runs is the load that sees a different value. */
export const waitWhile = (addr: number, kind: ObjKind, val: number, label: string): Step =>
  mk("wait_while", addr, kind, 0, val, label);
/** Blocks until *addr == val. */
export const waitUntil = (addr: number, kind: ObjKind, val: number, label: string): Step =>
  mk("wait_until", addr, kind, 0, val, label);
export const setPfnAccessed = (pfn: number, label: string): Step => mk("set_pfn_accessed", 0, null, pfn, 0, label);
export const setPfnDirty = (pfn: number, label: string): Step => mk("set_pfn_dirty", 0, null, pfn, 0, label);
export const flushRemoteTlbs = (label: string): Step => mk("flush_remote_tlbs", 0, null, 0, 0, label);
export const reloadRemoteMmus = (label: string): Step => mk("reload_remote_mmus", 0, null, 0, 0, label);
export const locklessBegin = (addr: number, label: string): Step => mk("lockless_begin", addr, null, 0, 0, label);
export const locklessEnd = (label: string): Step => mk("lockless_end", 0, null, 0, 0, label);
export const waitVcpusExit = (label: string): Step => mk("wait_vcpus_exit", 0, null, 0, 0, label);
export const warn = (label: string): Step => mk("warn", 0, null, 0, 0, label);

/** Ops that write a word (used by checkers to find what a step touched). */
export function writesWord(op: StepOp): boolean {
  return op === "store" || op === "xchg" || op === "cmpxchg" || op === "lock_or" || op === "lock_and" || op === "hw_walk";
}
