import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import type { Progress, SummaryRow } from "../api/types";
import { figures, pollEvery } from "./progress";

const progress = (p: Partial<Progress>): Progress => ({
  total: 72, pending: 0, running: 0, done: 0, failed: 0, cancelled: 0, passed: 0, cost: 0, ...p,
});

const row = (failed: number): SummaryRow => ({
  prompt_label: "p", provider: "m", cells: 0, passed: 0, failed, errors: 0, pending: 0, pass_rate: null,
  mean_score: null, cost: 0, prompt_tokens: 0, completion_tokens: 0, latency_p50_ms: null, latency_p95_ms: null,
});

describe("figures", () => {
  it("counts a completed run with errors as finished, not as 60 of 72 done", () => {
    const f = figures("completed", progress({ done: 60, failed: 12, passed: 4 }), [row(30), row(26)]);
    expect(f.finished).toBe(72);
    expect(f.percent).toBe(100);
    expect(f.percentLabel).toBe("Complete");
    expect([f.passed, f.failed, f.errors, f.cancelled]).toEqual([4, 56, 12, 0]);
  });

  it("says how far a cancelled run got, not that it is complete", () => {
    const f = figures("cancelled", progress({ done: 25, failed: 4, cancelled: 43, passed: 20 }), null);
    expect(f.finished).toBe(29);
    expect(f.percentLabel).toBe("Cancelled at");
    expect(f.percent).toBe(40);
    expect(f.remaining).toBe(0);
  });

  it("labels a live run's share as progress and never rounds it up to 100%", () => {
    const f = figures("running", progress({ done: 71, passed: 71, running: 1 }), null);
    expect(f.percentLabel).toBe("Progress");
    expect(f.percent).toBe(98);
    expect(f.remaining).toBe(1);
  });

  it("takes failed assertions from the summary, else the answers that did not pass", () => {
    expect(figures("running", progress({ done: 10, passed: 7 }), null).failed).toBe(3);
    expect(figures("running", progress({ done: 10, passed: 7 }), [row(2)]).failed).toBe(2);
  });

  it("gives the bar's segments in label order with their counts", () => {
    const f = figures("failed", progress({ done: 5, failed: 2, passed: 3, cancelled: 1 }), null);
    expect(f.segments.map((s) => [s.key, s.label, s.count])).toEqual([
      ["passed", "Passed", 3], ["failed", "Failed", 2], ["errors", "Errors", 2], ["cancelled", "Cancelled", 1],
    ]);
    expect(f.percentLabel).toBe("Stopped at");
  });

  it("shows 0% of a queued run without cells, and a completed one as complete", () => {
    expect(figures("queued", progress({ total: 0 }), []).percent).toBe(0);
    expect(figures("completed", progress({ total: 0 }), []).percent).toBe(100);
  });
});

describe("pollEvery", () => {
  it("stops asking after a 4xx: an unknown run will not appear by asking again", () => {
    expect(pollEvery(undefined, new ApiError(404, "not_found", "run x not found"))).toBe(false);
    expect(pollEvery(undefined, new ApiError(422, "validation_error", "bad id"))).toBe(false);
  });

  it("polls a live run every second and stops once it has ended", () => {
    expect(pollEvery(undefined, null)).toBe(1000);
    expect(pollEvery("running", null)).toBe(1000);
    expect(pollEvery("completed", null)).toBe(false);
    expect(pollEvery("cancelled", null)).toBe(false);
  });

  it("keeps trying, more slowly, after a network or server failure", () => {
    expect(pollEvery("running", new ApiError(0, "network_error", "offline"))).toBe(5000);
    expect(pollEvery("running", new ApiError(503, "unavailable", "down"))).toBe(5000);
  });
});
