/**
 * A simulated thread: a list of operations, each a generator, run one after
 * the other. The thread's next step is always known (pending) before the
 * scheduler chooses whom to run (docs/architecture.md, "The engine").
 */
import type { ExecContext, ExecutorKind } from "./deferral";
import type { KGen, Step } from "./step";

/** One operation of a thread. */
export interface Operation<T = unknown> {
  /** How it prints, e.g. "kvm_unmap_hva_range(0x10, 0x12)". */
  readonly text: string;
  /** Starts the operation. */
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
  /** Between region_enter and region_exit (wait_regions waits for it to leave). */
  inRegion = false;
  /** x86-TSO: the operation returned this value and waits at its return barrier for the buffer to empty (runtime/machine.ts). */
  returning: { value: unknown } | null = null;
  /** x86-TSO store buffer (empty under sequential consistency). */
  readonly storeBuffer: StoreBufferEntry[] = [];
  /** The context its steps run in (runtime/deferral.ts): process, or softirq for the softirq executor. */
  context: ExecContext = "process";
  /** Which executor this thread is (runtime/deferral.ts), or null for a thread of the program. */
  executor: ExecutorKind | null = null;

  /** `joinable`: wait_joined waits for this thread to be done (a vCPU holding a reference on the VM). */
  constructor(readonly id: number, readonly name: string, readonly ops: readonly Operation[], readonly joinable = false) {}

  get currentOp(): Operation | undefined {
    return this.ops[this.opIndex];
  }
}
