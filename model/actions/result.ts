import type { ModelState } from "../state";

/** An action's outcome: the next state and the value the kernel function returns. */
export interface Result {
  readonly s: ModelState;
  readonly ret: number;
}
