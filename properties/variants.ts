/** Test shorthand: the variant of a design name (and a mutant name), as the checker resolves it. */
import { resolveVariant, type Variant } from "../checker/variants";

export function variant(design: string | null, mutant: string | null = null): Variant {
  return resolveVariant(design, mutant);
}
