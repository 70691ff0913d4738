/**
 * The start every file of a subject has in common (a scenario, a scope):
 * the schema's first complaint, else an unknown subject, is one line of
 * BadInput "malformed WHAT WHERE: FIELD: reason".
 */
import type { z } from "zod";
import { BadInput } from "./bad_input";
import type { Subject } from "./subject";
import { findSubject } from "./variants";

/** A file's parsed JSON, validated by its schema, with its subject looked up; `bad` reports one field in one line. */
export interface Validated<T> {
  data: T;
  subject: Subject;
  bad: (field: string, why: string) => never;
}

export function validatedFile<T extends { subject?: string | undefined }>(schema: z.ZodType<T>, raw: unknown, what: string, where: string): Validated<T> {
  const bad = (field: string, why: string): never => {
    throw new BadInput(`malformed ${what} ${where}: ${field}: ${why}`);
  };
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return bad(issue.path.length === 0 ? "(the file)" : issue.path.map(String).join("."), issue.message);
  }
  const subject = findSubject(parsed.data.subject);
  if (subject === undefined) return bad("subject", `unknown subject ${JSON.stringify(parsed.data.subject)}`);
  return { data: parsed.data, subject, bad };
}
