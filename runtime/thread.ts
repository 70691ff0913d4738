/**
 * A simulated thread: a list of operations, each a kernel-function generator,
 * run one after the other. The thread's next step is always known (pending)
 * before the scheduler chooses whom to run (DESIGN-NOTES §1).
 */
import type { KGen, Step } from "./step";

/** One operation of a thread, as the generator of traces describes it. */
export interface Operation<T = unknown> {
  /** Kernel call syntax, e.g. "kvm_unmap_hva_range(0x10, 0x12)". */
  readonly text: string;
  /** Starts the operation on a machine. */
  start(): KGen<T>;
}

export interface StoreBufferEntry {
  addr: number;
  val: number;
  label: string;
}

export class Thread {
  /** Index of the operation running now (== ops.length when done). */
  opIndex = -1;
  gen: KGen<unknown> | null = null;
  pending: Step | null = null;
  /** Global step index at which `pending` was issued (synchronize_srcu needs it). */
  pendingSince = 0;
  /** Steps this thread has executed. */
  steps = 0;
  done = false;
  /** Results of completed operations, in order. */
  readonly results: unknown[] = [];
  /** Between lockless_begin and lockless_end ("in guest mode"). */
  inGuest = false;
  /** x86-TSO store buffer (empty under sequential consistency). */
  readonly storeBuffer: StoreBufferEntry[] = [];

  /** `vcpu`: the thread is a vCPU (it holds a reference on the VM until it is done). */
  constructor(readonly id: number, readonly name: string, readonly ops: readonly Operation[], readonly vcpu = false) {}

  get currentOp(): Operation | undefined {
    return this.ops[this.opIndex];
  }
}
