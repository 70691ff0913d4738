/**
 * A world: one simulated VM built for a variant, the machine that runs it on
 * the VM's memory, the host pages' ghost state, and the configuration it was
 * built from. Configurations are plain data so that counterexamples can be
 * saved and replayed.
 */
import type { KvmConfig } from "../../impl/config";
import { Kvm } from "../../impl/kvm";
import { kvm_create_memslot } from "../../impl/memslot_lifecycle";
import { init, type Params } from "../../model/spec";
import type { ModelState } from "../../model/state";
import { Machine, type MachineOptions } from "../../runtime/machine";
import { Thread } from "../../runtime/thread";
import { fastRecord } from "../search/fast_record";
import { HostPages } from "./host_pages";
import type { SeriesVariant as Variant } from "./variants";

export interface SlotConfig {
  id: number;
  baseGfn: number;
  npages: number;
  userspaceAddr: number;
}

export interface WorldConfig {
  kvm: KvmConfig;
  slots: SlotConfig[];
}

export interface World {
  readonly variant: Variant;
  /** The model's constants for this world. */
  readonly params: Params;
  readonly kvm: Kvm;
  readonly machine: Machine;
  readonly hostPages: HostPages;
  /** A v3 DELETE split into phases (sequential commands): id -> old slot and invalid copy. */
  readonly pendingDeletes: Map<number, { slot: number; invalid: number }>;
}

/**
 * The configuration with its generated records in fast mode
 * (checker/search/fast_record.ts): the same values, and the given objects
 * never changed (fast-check still holds them). The slots come from a map of
 * their own, never dictionaries.
 */
export function fastConfig(cfg: WorldConfig): WorldConfig {
  const kvm = fastRecord(cfg.kvm);
  const c = fastRecord(cfg);
  if (c !== cfg) c.kvm = kvm;
  else if (kvm !== cfg.kvm) return { ...cfg, kvm };
  return c;
}

/** Build the VM and install the configured slots, sequentially, before any thread runs. */
export function makeWorld(cfg: WorldConfig, variant: Variant, threads: Thread[] = [], opts: MachineOptions = {}): World {
  const kvm = new Kvm(cfg.kvm, variant.symbols);
  const setup = new Thread(-1, "setup", []);
  const machine = new Machine(kvm.mem, threads, { ...opts, executors: variant.kernelDesign.executors ?? [] });
  const hostPages = new HostPages();
  machine.observers.push(hostPages);
  for (const s of cfg.slots) machine.runSolo(setup, kvm_create_memslot(kvm, s.id, s.baseGfn, s.npages, s.userspaceAddr));
  machine.stepIndex = 0;
  return { variant, params: modelParams(cfg, variant), kvm, machine, hostPages, pendingDeletes: new Map() };
}

/** The model's constants for a configuration and a variant. */
export function modelParams(cfg: WorldConfig, variant: Variant): Params {
  return { geo: { levelShift: cfg.kvm.levelShift, sptesPerPage: cfg.kvm.sptesPerPage, adBits: cfg.kvm.adBits }, flush: variant.flush };
}

/** The model's initial state for the same configuration. */
export function initialModel(cfg: WorldConfig, variant: Variant): ModelState {
  return init(modelParams(cfg, variant), cfg.slots);
}
