import { describe, expect, it } from "vitest";
import { modelsText, shortModel } from "./labels";

describe("shortModel", () => {
  it("drops the openrouter: prefix and the vendor", () => {
    expect(shortModel("openrouter:openai/gpt-4o-mini")).toBe("gpt-4o-mini");
    expect(shortModel("anthropic/claude-3.5-haiku")).toBe("claude-3.5-haiku");
  });

  it("keeps labels that name no vendor", () => {
    expect(shortModel("local:echo")).toBe("local:echo");
    expect(shortModel("fake")).toBe("fake");
  });
});

describe("modelsText", () => {
  it("lists up to two models, then counts the rest", () => {
    expect(modelsText([])).toBe("");
    expect(modelsText(["openrouter:a/x", "local:echo"])).toBe("x, local:echo");
    expect(modelsText(["a/x", "b/y", "c/z", "d/w"])).toBe("x, y +2");
  });
});
