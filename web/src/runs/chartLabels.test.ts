import { describe, expect, it } from "vitest";
import { clusters, nudge, numberList, seriesNames, shortModels } from "./chartLabels";

describe("shortModels", () => {
  it("drops the provider prefix and the vendor", () => {
    const short = shortModels(["openrouter:openai/gpt-4o-mini", "openrouter:anthropic/claude-3.5-haiku", "local:echo"]);
    expect([...short.values()]).toEqual(["gpt-4o-mini", "claude-3.5-haiku", "echo"]);
  });

  it("keeps the vendor where two models would otherwise read the same", () => {
    const short = shortModels(["openrouter:openai/gpt-4o", "openrouter:azure/gpt-4o", "openrouter:meta/llama-3"]);
    expect(short.get("openrouter:openai/gpt-4o")).toBe("openai/gpt-4o");
    expect(short.get("openrouter:azure/gpt-4o")).toBe("azure/gpt-4o");
    expect(short.get("openrouter:meta/llama-3")).toBe("llama-3");
  });
});

describe("seriesNames", () => {
  it("names the model alone when the run has one prompt", () => {
    const names = seriesNames([{ provider: "openrouter:openai/gpt-4o-mini", prompt: "capital v1" }]);
    expect(names).toEqual([{ model: "gpt-4o-mini", prompt: null, full: "gpt-4o-mini" }]);
  });

  it("adds the whole prompt label when there are several, never cutting the model's name", () => {
    const names = seriesNames([
      { provider: "openrouter:google/gemini-flash-1.5", prompt: "capital-text-v v2" },
      { provider: "openrouter:google/gemini-flash-1.5", prompt: "capital-chat v2" },
    ]);
    expect(names.map((n) => n.full)).toEqual(["gemini-flash-1.5 · capital-text-v v2", "gemini-flash-1.5 · capital-chat v2"]);
  });
});

describe("clusters", () => {
  it("groups points on the same spot and leaves distant ones alone", () => {
    const points = [{ x: 10, y: 10 }, { x: 200, y: 10 }, { x: 12, y: 11 }, { x: 10, y: 10 }, { x: 100, y: 100 }];
    expect(clusters(points, 8)).toEqual([[0, 2, 3], [1], [4]]);
  });

  it("chains points that are each near the next", () => {
    expect(clusters([{ x: 0, y: 0 }, { x: 6, y: 0 }, { x: 12, y: 0 }], 8)).toEqual([[0, 1, 2]]);
  });

  it("returns nothing for no points", () => {
    expect(clusters([], 8)).toEqual([]);
  });
});

describe("numberList", () => {
  it("joins runs of three or more into ranges", () => {
    expect(numberList([5, 1, 2, 3])).toBe("1–3, 5");
    expect(numberList([1, 2])).toBe("1, 2");
    expect(numberList([4])).toBe("4");
    expect(numberList([1, 2, 3, 4, 5, 6])).toBe("1–6");
  });
});

describe("nudge", () => {
  it("leaves labels that do not touch where they are", () => {
    expect(nudge([{ x: 0, y: 0, w: 20, h: 12 }, { x: 100, y: 0, w: 20, h: 12 }], 0, 200)).toEqual([0, 0]);
  });

  it("moves a label that would cover another by one line, below first", () => {
    const boxes = [{ x: 0, y: 50, w: 30, h: 12 }, { x: 10, y: 55, w: 30, h: 12 }, { x: 5, y: 50, w: 30, h: 12 }];
    const dy = nudge(boxes, 0, 200);
    expect(dy).toEqual([0, 12, -12]);
  });

  it("keeps labels inside the plot, going up when there is no room below", () => {
    const dy = nudge([{ x: 0, y: 188, w: 30, h: 12 }, { x: 0, y: 188, w: 30, h: 12 }], 0, 200);
    expect(dy).toEqual([0, -12]);
  });
});
