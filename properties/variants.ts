/** Test shorthand: the 2013 series' variant of a design name (and a mutant name), as the checker resolves it. */
import { asSeries, type SeriesVariant } from "../checker/series/variants";
import { resolveVariant } from "../checker/variants";

export function variant(design: string | null, mutant: string | null = null): SeriesVariant {
  return asSeries(resolveVariant(design, mutant));
}
