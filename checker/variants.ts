/**
 * Subjects, designs and mutants, resolved once. A name given on the command
 * line or read from a counterexample file is looked up here and nowhere else
 * (own entries only: a name JavaScript finds on Object.prototype is unknown);
 * the rest of the checker receives a Variant.
 */
import { BadInput } from "./bad_input";
import { lockless } from "./lockless/subject";
import { series } from "./series/subject";
import type { Subject, Variant } from "./subject";

export type { Variant } from "./subject";

/** Every subject, the default first. */
export const SUBJECTS: readonly Subject[] = [series, lockless];

export const DEFAULT_SUBJECT = series;

export const subjectNames = (): string[] => SUBJECTS.map((s) => s.name);

/** The subject of a name (absent: the default, the 2013 series). */
export function findSubject(name: string | undefined): Subject | undefined {
  return name === undefined ? DEFAULT_SUBJECT : SUBJECTS.find((s) => s.name === name);
}

export function resolveSubject(name: string | null): Subject {
  const s = findSubject(name ?? undefined);
  if (s === undefined) throw new BadInput(`unknown subject "${name}" (one of: ${subjectNames().join(", ")})`);
  return s;
}

export const designNames = (subject: Subject = DEFAULT_SUBJECT): string[] => subject.designs.map((d) => d.name);
export const mutantNames = (subject: Subject = DEFAULT_SUBJECT): string[] => subject.mutants.map((m) => m.name);

/**
 * The variant for a design name and an optional mutant name of a subject.
 * Without a design name: the mutant's own design, else the subject's default.
 * An unknown name is BadInput.
 */
export function resolveVariant(designName: string | null, mutantName: string | null, subject: Subject = DEFAULT_SUBJECT): Variant {
  const mutant = mutantName === null ? null : subject.mutants.find((m) => m.name === mutantName);
  if (mutant === undefined) throw new BadInput(`unknown mutant "${mutantName}" (--list shows the ${subject.mutants.length} catalogued mutants)`);
  const name = designName ?? mutant?.design ?? subject.defaultDesign;
  if (!subject.designs.some((d) => d.name === name)) throw new BadInput(`unknown design "${name}" (one of: ${designNames(subject).join(", ")})`);
  return subject.variant(name, mutant?.name ?? null);
}

/** Every mutant of a subject as the variant the catalogue checks it in. */
export function catalogue(subject: Subject = DEFAULT_SUBJECT): Variant[] {
  return subject.mutants.map((m) => subject.variant(m.design, m.name));
}

/** Every design and mutant of a subject with its one-line description, in catalogue order (--list). */
export function listing(subject: Subject = DEFAULT_SUBJECT): { subject: string; designs: Array<{ name: string; summary: string; knownRace: string | null }>; mutants: Array<{ name: string; design: string; bug: string; needsTso: boolean }> } {
  return {
    subject: subject.name,
    designs: subject.designs.map((d) => ({ name: d.name, summary: d.summary, knownRace: d.knownRace })),
    mutants: subject.mutants.map((m) => ({ name: m.name, design: m.design, bug: m.bug, needsTso: m.needsTso })),
  };
}
