// A cell's assertions as the cell view lists them: graded, or why they were not.

import type { Assertion, GradingResult } from "../api/types";
import { show } from "../components/format";

export type AssertionOutcome = "pass" | "fail" | "not evaluated" | "pending";

export interface AssertionRow {
  type: string;
  value: string;
  outcome: AssertionOutcome;
  score: number | null;
  reason: string;
}

export interface GradedCell {
  error: string | null;
  state: string;
  grading: { reason?: string; results?: GradingResult[] } | null;
}

const WAITING = new Set(["pending", "queued", "running", "leased"]);

/**
 * The graded results when there are some (with the case's expected values beside them), else
 * the case's own assertions marked "not evaluated" (the call failed, or the cell was cancelled)
 * or "pending" (no answer yet).
 */
export function assertionRows(cell: GradedCell, assertions: Assertion[]): AssertionRow[] {
  const graded = cell.grading?.results ?? [];
  if (graded.length > 0) {
    const aligned = assertions.length === graded.length && assertions.every((a, i) => a.type === graded[i].type);
    return graded.map((g, i) => ({
      type: g.type,
      value: aligned ? show(assertions[i].value) : "",
      outcome: g.passed ? "pass" : "fail",
      score: g.score,
      reason: g.reason ?? "",
    }));
  }
  const [outcome, reason]: [AssertionOutcome, string] = cell.error
    ? ["not evaluated", "the call failed, so there is no answer to check"]
    : WAITING.has(cell.state)
      ? ["pending", "waiting for the model's answer"]
      : cell.state === "cancelled"
        ? ["not evaluated", "the cell was cancelled before it was called"]
        : ["not evaluated", "no grading was stored for this answer"];
  return assertions.map((a) => ({ type: a.type, value: show(a.value), outcome, score: null, reason }));
}

// Assertions whose value is text the answer should resemble: worth a side-by-side diff.
const TEXTUAL = new Set(["equals", "contains", "icontains", "starts-with", "levenshtein", "similar"]);

/** The assertion to diff the output against, if any: the first textual one with a text value. */
export function expectedOf(assertions: Assertion[]): Assertion | undefined {
  return assertions.find((a) => TEXTUAL.has(a.type) && typeof a.value === "string" && a.value !== "");
}

// Assertions that look for their text in the answer: show where it is rather than a diff first.
export const SEARCHED = new Set(["contains", "icontains", "starts-with"]);

/** Where a contains / icontains / starts-with assertion's text is in `output`, or null. */
export function foundIn(assertion: Assertion, output: string): { start: number; end: number } | null {
  const value = String(assertion.value ?? "");
  if (value === "") return null;
  if (assertion.type === "starts-with") return output.startsWith(value) ? { start: 0, end: value.length } : null;
  const folded = assertion.type === "icontains";
  const at = (folded ? output.toLowerCase() : output).indexOf(folded ? value.toLowerCase() : value);
  // Lower-casing keeps the length of almost every text; clamp for the few it does not.
  return at < 0 ? null : { start: Math.min(at, output.length), end: Math.min(at + value.length, output.length) };
}
