// Whether two compared runs asked the same questions: the compare page matches cells by case
// variables, prompt, model and repeat, whatever test set each run called.

import type { Run } from "../api/types";

type RunTestSet = Pick<Run, "test_set_id" | "test_set_name">;

const MATCHED = "Cells are matched by their case variables, so only cases with the same variables are set side by side, " +
  "and the figures may not mean an improvement.";

const named = (run: RunTestSet) => (run.test_set_name ? `“${run.test_set_name}”` : "a test set not listed");

/** A warning when `base` and `head` did not run the same test set (or one's was deleted); else null. */
export function testSetWarning(base: RunTestSet, head: RunTestSet): string | null {
  if (!base.test_set_id || !head.test_set_id) {
    const which = !base.test_set_id && !head.test_set_id ? "both runs" : !base.test_set_id ? "the earlier run" : "this run";
    return `The test set of ${which} has been deleted, so Assay cannot tell whether both runs asked the same cases. ${MATCHED}`;
  }
  if (base.test_set_id === head.test_set_id) return null;
  return `These runs used different test sets: ${named(base)} before and ${named(head)} after. ${MATCHED}`;
}
