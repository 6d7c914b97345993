import { describe, expect, it } from "vitest";
import type { Result } from "../api/types";
import { failure } from "./ResultCell";

function cell(over: Partial<Result>): Result {
  return {
    cell_id: "c", case_position: 0, description: null, vars: {}, prompt_label: "p", provider: "m", repeat: 0,
    state: "done", output: "Paris", error: null, passed: true, score: 1, grading: null,
    latency_ms: 10, prompt_tokens: 1, completion_tokens: 1, cost: 0, cached: false, ...over,
  };
}

describe("failure", () => {
  it("is nothing for a pass or a pending cell", () => {
    expect(failure(cell({}))).toBeNull();
    expect(failure(cell({ passed: null, state: "pending", output: null }))).toBeNull();
  });

  it("prefers the call's error", () => {
    expect(failure(cell({ error: "HTTP 429", passed: false, grading: { reason: "r" } }))).toBe("HTTP 429");
  });

  it("names the first failing assertion and its reason", () => {
    const grading = { results: [
      { type: "contains", passed: true, score: 1, reason: "ok" },
      { type: "regex", passed: false, score: 0, reason: "no match" },
      { type: "equals", passed: false, score: 0, reason: "differs" },
    ] };
    expect(failure(cell({ passed: false, grading }))).toBe("regex: no match");
    expect(failure(cell({ passed: false, grading: { results: [{ type: "is-json", passed: false, score: 0 }] } }))).toBe("is-json: failed");
  });

  it("falls back to the overall reason, then to 'failed'", () => {
    expect(failure(cell({ passed: false, grading: { reason: "below threshold", results: [] } }))).toBe("below threshold");
    expect(failure(cell({ passed: false, grading: null }))).toBe("failed");
  });
});
