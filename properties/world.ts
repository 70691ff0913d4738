/**
 * A world: one simulated VM built for a design, the machine that runs it,
 * and the configuration it was built from. Configurations are plain data so
 * that counterexamples can be saved and replayed.
 */
import { type KvmConfig } from "../impl/config";
import { type Design, DESIGNS, symbolsFor } from "../impl/designs";
import { Kvm } from "../impl/kvm";
import { kvm_create_memslot } from "../impl/memslot_lifecycle";
import type { Symbols } from "../impl/symbols";
import type { FlushStyle } from "../model/actions/memslot";
import { createSlot } from "../model/actions/memslot";
import { initialState, type ModelState } from "../model/state";
import { Machine, type MachineOptions } from "../runtime/machine";
import { Thread } from "../runtime/thread";

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
  readonly design: Design;
  readonly kvm: Kvm;
  readonly machine: Machine;
  /** A v3 DELETE split into phases (sequential commands): id -> old slot and invalid copy. */
  readonly pendingDeletes: Map<number, { slot: number; invalid: number }>;
}

export function flushStyle(design: Design): FlushStyle {
  return design.name === "baseline" ? "zap-all" : "invalidate";
}

/** Build the VM and install the configured slots, sequentially, before any thread runs. */
export function makeWorld(cfg: WorldConfig, design: Design, threads: Thread[] = [], opts: MachineOptions = {}, extra: Partial<Symbols> = {}): World {
  const kvm = new Kvm(cfg.kvm, symbolsFor(design, extra));
  const setup = new Thread(-1, "setup", []);
  const machine = new Machine(kvm, threads, opts);
  for (const s of cfg.slots) machine.runSolo(setup, kvm_create_memslot(kvm, s.id, s.baseGfn, s.npages, s.userspaceAddr));
  machine.stepIndex = 0;
  return { design, kvm, machine, pendingDeletes: new Map() };
}

/** The model's initial state for the same configuration. */
export function initialModel(cfg: WorldConfig): ModelState {
  let s = initialState({ levelShift: cfg.kvm.levelShift, sptesPerPage: cfg.kvm.sptesPerPage, adBits: cfg.kvm.adBits });
  for (const slot of cfg.slots) s = createSlot(s, slot).s;
  return s;
}

export function designNamed(name: string): Design | undefined {
  return Object.prototype.hasOwnProperty.call(DESIGNS, name) ? DESIGNS[name] : undefined;
}
