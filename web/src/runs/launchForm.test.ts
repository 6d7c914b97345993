import { describe, expect, it } from "vitest";
import { CONCURRENCY, REPEATS, modelId, wholeNumber } from "./launchForm";

const LOCAL = ["local:echo", "local:upper"];

describe("wholeNumber", () => {
  it("takes a whole number within the bounds", () => {
    expect(wholeNumber("Repeats", "3", REPEATS)).toEqual({ ok: true, value: 3 });
    expect(wholeNumber("Repeats", " 100 ", REPEATS)).toEqual({ ok: true, value: 100 });
    expect(wholeNumber("Concurrency", "500", CONCURRENCY)).toEqual({ ok: true, value: 500 });
  });

  it("says what the box must hold when it is empty, fractional or out of bounds", () => {
    const problem = "Repeats must be a whole number from 1 to 100.";
    for (const text of ["", "  ", "0", "101", "1.5", "-2", "1e9"]) {
      expect(wholeNumber("Repeats", text, REPEATS)).toEqual({ ok: false, problem });
    }
    expect(wholeNumber("Concurrency", "501", CONCURRENCY)).toEqual({ ok: false, problem: "Concurrency must be a whole number from 1 to 500." });
  });
});

describe("modelId", () => {
  it("makes a bare vendor/model an OpenRouter model, variants included", () => {
    expect(modelId(" openai/gpt-4o-mini ", LOCAL)).toEqual({ ok: true, value: "openrouter:openai/gpt-4o-mini" });
    expect(modelId("meta-llama/llama-3.1-8b-instruct:free", LOCAL)).toEqual({ ok: true, value: "openrouter:meta-llama/llama-3.1-8b-instruct:free" });
    expect(modelId("openrouter:openai/gpt-4o", LOCAL)).toEqual({ ok: true, value: "openrouter:openai/gpt-4o" });
  });

  it("takes a local model only when the server lists it", () => {
    expect(modelId("local:echo", LOCAL)).toEqual({ ok: true, value: "local:echo" });
    expect(modelId("Local:upper", LOCAL)).toEqual({ ok: true, value: "local:upper" });
    const unknown = modelId("local:gpt", LOCAL);
    expect(unknown.ok).toBe(false);
    expect(!unknown.ok && unknown.problem).toBe("“local:gpt” is not one of the offline local: models: the offline models are local:echo, local:upper.");
    expect(modelId("local:echo", null).ok).toBe(false);
  });

  it("refuses any other prefix with a sentence, never sends it", () => {
    const refused = modelId("foo:bar", LOCAL);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.problem).toMatch(/^“foo:bar” is not a model Assay can call\. Type an OpenRouter model as vendor\/model/);
    expect(modelId("openai:chat:gpt-4o", LOCAL).ok).toBe(false);
  });

  it("refuses empty names, spaces and ids the API would find too long", () => {
    expect(modelId("", LOCAL).ok).toBe(false);
    expect(modelId("openrouter:", LOCAL).ok).toBe(false);
    expect(modelId("openai/gpt 4o", LOCAL).ok).toBe(false);
    expect(modelId(`a/${"x".repeat(287)}`, LOCAL).ok).toBe(true); // 300 with its prefix
    expect(modelId(`a/${"x".repeat(288)}`, LOCAL).ok).toBe(false);
  });
});
