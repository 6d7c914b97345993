// What the progress panel says about a run, from its cell counts and summary.

import { ApiError } from "../api/client";
import type { Progress, SummaryRow } from "../api/types";

/** Statuses after which a run's counts no longer change. */
export const ENDED = new Set(["completed", "failed", "cancelled"]);

export type SegmentKey = "passed" | "failed" | "errors" | "cancelled";

export interface Segment {
  key: SegmentKey;
  label: string;
  count: number;
}

export interface Figures {
  total: number;
  /** Cells whose call has ended, in an answer or an error. */
  finished: number;
  /** Answers that passed every assertion. */
  passed: number;
  /** Answers that failed an assertion. */
  failed: number;
  /** Calls that ended in an error (after retries): their assertions were never evaluated. */
  errors: number;
  /** Cells never called because the run was cancelled. */
  cancelled: number;
  /** Cells still waiting or in flight. */
  remaining: number;
  /** finished / total, 0–100, whole. */
  percent: number;
  /** What the percentage is: "Complete", "Progress", "Cancelled at", "Stopped at". */
  percentLabel: string;
  /** The bar, left to right; a segment's colour matches its label's swatch. */
  segments: Segment[];
}

/**
 * The API's `progress` counts cells: `done` (the call answered), `failed` (the call ended in an
 * error), `cancelled`, `pending`, `running`; `passed` counts answers that passed. Failed
 * assertions come from the summary (per prompt × model), or are the answers that did not pass.
 */
export function figures(status: string, p: Progress, summary: SummaryRow[] | null): Figures {
  const finished = p.done + p.failed;
  const failed = summary ? summary.reduce((n, r) => n + r.failed, 0) : Math.max(0, p.done - p.passed);
  const percent = p.total ? Math.floor((finished / p.total) * 100) : 0;
  const percentLabel =
    status === "completed" ? "Complete" : status === "cancelled" ? "Cancelled at" : status === "failed" ? "Stopped at" : "Progress";
  return {
    total: p.total,
    finished,
    passed: p.passed,
    failed,
    errors: p.failed,
    cancelled: p.cancelled,
    remaining: Math.max(0, p.total - finished - p.cancelled),
    // A finished run that answered every cell is complete; rounding must not say 99%.
    percent: status === "completed" && finished === p.total ? 100 : percent,
    percentLabel,
    segments: [
      { key: "passed", label: "Passed", count: p.passed },
      { key: "failed", label: "Failed", count: failed },
      { key: "errors", label: "Errors", count: p.failed },
      { key: "cancelled", label: "Cancelled", count: p.cancelled },
    ],
  };
}

/** How often to ask for a run again: every second while it runs, never after it ended or
 * after an answer that asking again cannot change (a 4xx: no such run, not yours). */
export function pollEvery(status: string | undefined, error: unknown): number | false {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  if (status && ENDED.has(status)) return false;
  return error ? 5000 : 1000; // a network or server failure: keep trying, more gently
}
