/**
 * The vocabulary of atomic steps (docs/architecture.md, "The engine"). The engine knows no
 * kernel: a step is an access to a word of simulated memory, a lock or SRCU
 * operation, a wait, or a ghost event that only observers see.
 *
 * Code under test is written as generators. At each shared access it yields
 * one Step describing the access; the machine performs it at the moment it
 * schedules the step and resumes the thread with the result (a loaded or old
 * value, an allocated address, or 0). The interleaving point is therefore just
 * before each access, and each access is atomic.
 *
 * A label reads "<function>: <access>". The builders split it once, when the
 * step is made, into `fn` (the function that yields the step, a typed field
 * code may test) and the whole label (free text for people and for replay).
 */

/** An object kind: the code under test names the kind of object each access expects to hit. */
export type ObjKind = string;

export type StepOp =
  | "load"
  | "store"
  | "xchg"
  | "cmpxchg"
  | "lock_or" // LOCK OR (an atomic set_bit)
  | "lock_and" // LOCK AND (clear_bit)
  | "or_if" // atomically: if (*addr & cmp) == cmp then *addr |= val (a page walker's A/D update)
  | "alloc"
  | "free"
  | "spin_lock" // lock number `addr`
  | "spin_unlock"
  | "smp_mb"
  | "srcu_read_lock" // `addr`: the SRCU domain (runtime/deferral.ts; RCU is a domain too)
  | "srcu_read_unlock"
  | "synchronize_srcu"
  | "defer" // call_srcu / call_rcu (`addr`: the domain) or schedule_work (`addr`: NO_GRACE_PERIOD); `work` runs later
  | "run_deferred" // an executor thread's wait for its next ready callback (runtime/deferral.ts)
  | "wait_while" // one spin of `while (READ_ONCE(*addr) == cmp) cpu_relax();`
  | "wait_until" // one spin of `while (READ_ONCE(*addr) != cmp) cpu_relax();`
  | "wait_clear" // one spin of `while (READ_ONCE(*addr) & cmp) cpu_relax();` (a bit-spinlock's wait)
  | "region_enter" // the thread enters a region that wait_regions waits out (guest mode, a lockless walk)
  | "region_exit"
  | "wait_regions" // an IPI that waits until no other thread is inside a region; a full barrier
  | "wait_joined" // waits until every joinable thread is done
  | "ghost" // no effect on memory; observers read `fn` and `val` (a call the model tracks)
  | "warn"; // a non-fatal assertion fired: recorded, execution continues

export interface Step {
  op: StepOp;
  /** Byte address of the word (0 when the op touches no word); the lock number for spin_lock/unlock. */
  addr: number;
  /** Object kind the access expects (deref validity is checked against it). */
  kind: ObjKind | null;
  /** Value stored / new value / alloc word count / OR mask / ghost payload. */
  val: number;
  /** Expected old value for cmpxchg, value to spin on for wait_while/until, bits for wait_clear, required bits for or_if. */
  cmp: number;
  /** The function that yields the step (the label's part before ": "). */
  fn: string;
  /** "<function>: <access>", e.g. "rmap_get_next: load desc->sptes[1]". */
  label: string;
  /** A `defer` step only: the callback or work item it queues (runtime/deferral.ts). */
  work?: () => KGen<void>;
}

/** Code under test: yields steps, receives each step's result, returns T. */
export type KGen<T> = Generator<Step, T, number>;

/**
 * When set, called with every step as it is made and the stack of the code
 * that made it, so a report can say where each step comes from. Off in
 * normal runs (one null test per step).
 */
let stepMade: ((label: string, stack: string) => void) | null = null;

export function onStepMade(hook: ((label: string, stack: string) => void) | null): void {
  stepMade = hook;
}

function fnOf(label: string): string {
  const i = label.indexOf(": ");
  return i < 0 ? label : label.slice(0, i);
}

/**
 * A step as the builders make it. `fn` is split off the label when first read
 * (most steps' function is never asked for: the checkers read it on ghost
 * steps), and then kept. One class for every step, so that the engine's reads
 * of a step's fields see one shape.
 */
class AtomicStep implements Step {
  work: (() => KGen<void>) | undefined = undefined;
  private fnSplit: string | null;

  constructor(
    readonly op: StepOp,
    readonly addr: number,
    readonly kind: ObjKind | null,
    readonly val: number,
    readonly cmp: number,
    readonly label: string,
    fn: string | null,
  ) {
    this.fnSplit = fn;
  }

  get fn(): string {
    return (this.fnSplit ??= fnOf(this.label));
  }
}

export function mkStep(op: StepOp, addr: number, kind: ObjKind | null, val: number, cmp: number, label: string): Step {
  if (stepMade !== null) stepMade(label, new Error().stack ?? "");
  return new AtomicStep(op, addr, kind, val, cmp, label, null);
}

/** A step whose function is not the label's first part (e.g. a store buffer's commit). */
export function mkStepOf(fn: string, op: StepOp, addr: number, kind: ObjKind | null, val: number, cmp: number, label: string): Step {
  return new AtomicStep(op, addr, kind, val, cmp, label, fn);
}

export const load = (addr: number, kind: ObjKind, label: string): Step => mkStep("load", addr, kind, 0, 0, label);
export const store = (addr: number, kind: ObjKind, val: number, label: string): Step =>
  mkStep("store", addr, kind, val, 0, label);
export const xchg = (addr: number, kind: ObjKind, val: number, label: string): Step =>
  mkStep("xchg", addr, kind, val, 0, label);
/** cmpxchg(addr, old, new): returns the value found; stored only if it equalled old. */
export const cmpxchg = (addr: number, kind: ObjKind, old: number, val: number, label: string): Step =>
  mkStep("cmpxchg", addr, kind, val, old, label);
export const lockOr = (addr: number, kind: ObjKind, bits: number, label: string): Step =>
  mkStep("lock_or", addr, kind, bits, 0, label);
export const lockAnd = (addr: number, kind: ObjKind, bits: number, label: string): Step =>
  mkStep("lock_and", addr, kind, bits, 0, label);
/** Atomically, if every bit of `required` is set in *addr, OR in `bits`; returns the old value. */
export const orIf = (addr: number, kind: ObjKind, required: number, bits: number, label: string): Step =>
  mkStep("or_if", addr, kind, bits, required, label);
/** Allocate `words` zeroed words of an object of `kind`; returns its byte address. */
export const alloc = (kind: ObjKind, words: number, label: string): Step => mkStep("alloc", 0, kind, words, 0, label);
export const free = (addr: number, kind: ObjKind, label: string): Step => mkStep("free", addr, kind, 0, 0, label);
/** Take lock number `lock` (default 0); a thread waiting for it is not runnable. */
export const spinLock = (label: string, lock = 0): Step => mkStep("spin_lock", lock, null, 0, 0, label);
export const spinUnlock = (label: string, lock = 0): Step => mkStep("spin_unlock", lock, null, 0, 0, label);
export const smpMb = (label: string): Step => mkStep("smp_mb", 0, null, 0, 0, label);
/** srcu_read_lock(ssp): `domain` 0 is the default domain (kvm->srcu); runtime/deferral.ts numbers the others. */
export const srcuReadLock = (label: string, domain = 0): Step => mkStep("srcu_read_lock", domain, null, 0, 0, label);
export const srcuReadUnlock = (label: string, domain = 0): Step => mkStep("srcu_read_unlock", domain, null, 0, 0, label);
/** Blocks until every reader of `domain` that began before the step was issued has left; a sleeping call. */
export const synchronizeSrcu = (label: string, domain = 0): Step => mkStep("synchronize_srcu", domain, null, 0, 0, label);
/** Blocks while *addr == val; the step that runs is the load that sees a different value. */
export const waitWhile = (addr: number, kind: ObjKind, val: number, label: string): Step =>
  mkStep("wait_while", addr, kind, 0, val, label);
/** Blocks until *addr == val. */
export const waitUntil = (addr: number, kind: ObjKind, val: number, label: string): Step =>
  mkStep("wait_until", addr, kind, 0, val, label);
/** Blocks while any bit of `mask` is set in *addr; the step that runs is the load that sees them clear (its result). */
export const waitClear = (addr: number, kind: ObjKind, mask: number, label: string): Step =>
  mkStep("wait_clear", addr, kind, 0, mask, label);
export const regionEnter = (label: string): Step => mkStep("region_enter", 0, null, 0, 0, label);
export const regionExit = (label: string): Step => mkStep("region_exit", 0, null, 0, 0, label);
export const waitRegions = (label: string): Step => mkStep("wait_regions", 0, null, 0, 0, label);
export const waitJoined = (label: string): Step => mkStep("wait_joined", 0, null, 0, 0, label);
/** A call that changes no simulated memory but that a checker tracks; `val` is its argument. */
export const ghost = (val: number, label: string): Step => mkStep("ghost", 0, null, val, 0, label);
export const warn = (label: string): Step => mkStep("warn", 0, null, 0, 0, label);

/** Ops that write a word (used by checkers to find what a step touched). */
export function writesWord(op: StepOp): boolean {
  return op === "store" || op === "xchg" || op === "cmpxchg" || op === "lock_or" || op === "lock_and" || op === "or_if";
}

/** Ops that order a thread's buffered stores before later accesses (x86-TSO: drain the store buffer). */
export function isFence(op: StepOp): boolean {
  return op !== "load" && op !== "store" && op !== "wait_while" && op !== "wait_until" && op !== "wait_clear" && op !== "alloc" && op !== "ghost" && op !== "warn" && op !== "region_enter" && op !== "region_exit" && op !== "srcu_read_lock" && op !== "srcu_read_unlock" && op !== "wait_joined";
}
