import { describe, expect, it } from "vitest";
import type { Model } from "../api/types";
import { DEFAULT_OUTPUT_TOKENS, estimate } from "./estimate";

function model(id: string, prompt: number | null, completion: number | null, source: Model["source"] = "openrouter"): Model {
  return { id, source, name: null, context_length: null, prompt_price: prompt, completion_price: completion };
}

const base = { cases: 3, prompts: 2, repeats: 1, promptChars: 10, maxTokens: null };

describe("estimate", () => {
  it("makes no calls and costs nothing without models", () => {
    expect(estimate({ ...base, models: [] })).toEqual({ calls: 0, cost: 0, unpriced: [], outTokens: DEFAULT_OUTPUT_TOKENS });
  });

  it("counts cases × prompts × models × repeats", () => {
    const models = [model("a", 0, 0), model("b", 0, 0)];
    expect(estimate({ ...base, models, repeats: 4 }).calls).toBe(3 * 2 * 2 * 4);
    expect(estimate({ ...base, models, cases: 0 }).calls).toBe(0);
  });

  it("prices input at ~4 characters a token (rounded up) and output at the default budget", () => {
    // 10 characters -> 3 tokens; 256 output tokens; 6 calls for the one model.
    const { cost } = estimate({ ...base, models: [model("a", 1e-6, 2e-6)] });
    expect(cost).toBeCloseTo(6 * (3 * 1e-6 + DEFAULT_OUTPUT_TOKENS * 2e-6), 12);
  });

  it("uses max tokens for output when set, including zero", () => {
    const models = [model("a", 1e-6, 2e-6)];
    expect(estimate({ ...base, models, maxTokens: 100 }).cost).toBeCloseTo(6 * (3e-6 + 200e-6), 12);
    expect(estimate({ ...base, models, maxTokens: 0 }).cost).toBeCloseTo(6 * 3e-6, 12);
  });

  it("costs nothing for an empty prompt with no output", () => {
    expect(estimate({ ...base, models: [model("a", 1, 1)], promptChars: 0, maxTokens: 0 }).cost).toBe(0);
  });

  it("adds the models' costs together", () => {
    const one = estimate({ ...base, models: [model("a", 1e-6, 1e-6)] }).cost!;
    const two = estimate({ ...base, models: [model("a", 1e-6, 1e-6), model("b", 3e-6, 3e-6)] }).cost!;
    expect(two).toBeCloseTo(4 * one, 12);
  });

  it("counts local models as free, even without prices", () => {
    const result = estimate({ ...base, models: [model("local:echo", null, null, "local"), model("a", 1e-6, 1e-6)] });
    expect(result.calls).toBe(12);
    expect(result.cost).toBeCloseTo(estimate({ ...base, models: [model("a", 1e-6, 1e-6)] }).cost!, 12);
  });

  it("costs the priced models and names the others; no figure when none is priced", () => {
    const mixed = estimate({ ...base, models: [model("a", 1e-6, 1e-6), model("b", null, 1e-6)] });
    expect(mixed.calls).toBe(12);
    expect(mixed.cost).toBeCloseTo(estimate({ ...base, models: [model("a", 1e-6, 1e-6)] }).cost!, 12);
    expect(mixed.unpriced).toEqual(["b"]);
    expect(estimate({ ...base, models: [model("b", 1e-6, null)] })).toMatchObject({ cost: null, unpriced: ["b"] });
  });
});
