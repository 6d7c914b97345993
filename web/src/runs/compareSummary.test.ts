import { describe, expect, it } from "vitest";
import type { SummaryRow } from "../api/types";
import { labels, pairDeltas, points } from "./compareSummary";

function row(prompt: string, provider: string, pass_rate: number | null, cost = 0.01): SummaryRow {
  return {
    prompt_label: prompt, provider, cells: 10, passed: 0, failed: 0, errors: 0, pending: 0, pass_rate, mean_score: null, cost,
    prompt_tokens: 0, completion_tokens: 0, latency_p50_ms: null, latency_p95_ms: null,
  };
}

describe("pairDeltas", () => {
  it("matches pairs on prompt and model and subtracts pass rates", () => {
    const out = pairDeltas([row("p", "a", 0.5), row("p", "b", 0.9)], [row("p", "b", 0.6), row("p", "a", 0.75)]);
    expect(out.map((d) => d.model)).toEqual(["b", "a"]); // head run's order
    expect(out[0].delta).toBeCloseTo(-0.3);
    expect(out[1].delta).toBeCloseTo(0.25);
  });

  it("keeps pairs only one run has, with no delta", () => {
    const out = pairDeltas([row("p", "old", 0.5)], [row("p", "new", 1)]);
    expect(out).toEqual([
      expect.objectContaining({ model: "new", before: null, after: 1, delta: null, costBefore: null }),
      expect.objectContaining({ model: "old", before: 0.5, after: null, delta: null, costAfter: null }),
    ]);
  });

  it("gives no delta when a side has no results yet", () => {
    expect(pairDeltas([row("p", "a", null)], [row("p", "a", 0.4)])[0].delta).toBeNull();
  });

  it("does not confuse the same model under two prompts", () => {
    const out = pairDeltas([row("x", "a", 0.1), row("y", "a", 0.9)], [row("y", "a", 0.8), row("x", "a", 0.2)]);
    expect(out.map((d) => [d.prompt, Math.round(d.delta! * 100)])).toEqual([["y", -10], ["x", 10]]);
  });
});

describe("points", () => {
  it("signs percentage points and calls tiny changes none", () => {
    expect(points(0.125)).toBe("+12.5 pts");
    expect(points(-0.03)).toBe("−3.0 pts");
    expect(points(0.0004)).toBe("±0 pts");
    expect(points(null)).toBe("—");
  });
});

describe("labels", () => {
  it("lists each label once, the head run's first", () => {
    expect(labels(["b", "a"], ["a", "c"])).toEqual(["b", "a", "c"]);
  });
});
