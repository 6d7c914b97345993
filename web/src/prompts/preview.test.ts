import { describe, expect, it } from "vitest";
import { caseNumbers, lackCount, lacks, localLacks, renderRequest, sameErrors } from "./preview";

describe("renderRequest", () => {
  it("sends the template, its label, and the case when a test set version is known", () => {
    expect(renderRequest({ text: "Hi" }, "greet v2", "tsv", 3)).toEqual({
      text: "Hi", label: "greet v2", test_set_version_id: "tsv", case_position: 3,
    });
    expect(renderRequest({ messages: [{ role: "user", content: "x" }] }, "", undefined, 0)).toEqual({
      messages: [{ role: "user", content: "x" }], label: "preview",
    });
    expect(renderRequest({ text: "x" }, "p", "tsv")).toEqual({ text: "x", label: "p", test_set_version_id: "tsv" });
  });

  it("never sends both forms, and keeps the label within the API's limit", () => {
    const both = renderRequest({ text: "t", messages: [{ role: "user", content: "m" }] }, "x".repeat(300));
    expect(both.text).toBeUndefined();
    expect(both.label).toHaveLength(200);
  });
});

describe("lacks", () => {
  it("groups failing cases by the variable they lack, most widely missing first", () => {
    expect(lacks([
      { position: 3, missing: ["language"] },
      { position: 8, missing: ["language", "tone"] },
      { position: 11, missing: ["language"] },
      { position: 12, missing: [] },
    ])).toEqual([
      { variable: "language", positions: [3, 8, 11] },
      { variable: "tone", positions: [8] },
    ]);
    expect(lacks([])).toEqual([]);
  });

  it("ties are ordered by name", () => {
    expect(lacks([{ position: 0, missing: ["b", "a"] }]).map((l) => l.variable)).toEqual(["a", "b"]);
  });
});

describe("wording", () => {
  it("numbers cases from 1, as the case picker does, and says how many are not listed", () => {
    expect(caseNumbers([3, 8, 11])).toBe("#4, #9, #12");
    expect(caseNumbers([0, 1, 2, 3], 2)).toBe("#1, #2 and 2 more");
  });

  it("counts lacking cases with the right number", () => {
    expect(lackCount(3, 40)).toBe("3 of 40 cases lack");
    expect(lackCount(1, 6)).toBe("1 of 6 cases lacks");
    expect(lackCount(1, 1)).toBe("1 of 1 case lacks");
    expect(lackCount(2, 9, "loaded case")).toBe("2 of 9 loaded cases lack");
  });
});

describe("localLacks", () => {
  it("checks loaded cases for the variables when the server cannot be asked", () => {
    const cases = [
      { position: 0, vars: { country: "Peru", language: "es" } },
      { position: 1, vars: { country: "Chad" } },
      { position: 2, vars: {} },
    ];
    expect(localLacks(["country", "language"], cases)).toEqual([
      { variable: "language", positions: [1, 2] },
      { variable: "country", positions: [2] },
    ]);
    expect(localLacks([], cases)).toEqual([]);
  });
});

describe("sameErrors", () => {
  const failure = (position: number, label: string, message: string) => ({
    position, test_case_id: `c${position}`, description: null, missing: [],
    error: { code: "template_error", message, details: { prompt: "p", case: label } },
  });

  it("groups one error of several cases, the case left out of its message", () => {
    const grouped = sameErrors([
      failure(0, "test 1 (Europe)", "prompt 'p' for test 1 (Europe) is too costly to render: loops ran over 1,000,000 steps"),
      failure(1, "test 2", "prompt 'p' failed to render for test 2: ZeroDivisionError: division by zero"),
      failure(2, "test 3", "prompt 'p' for test 3 is too costly to render: loops ran over 1,000,000 steps"),
    ]);
    expect(grouped).toEqual([
      { message: "prompt 'p' is too costly to render: loops ran over 1,000,000 steps", positions: [0, 2] },
      { message: "prompt 'p' failed to render: ZeroDivisionError: division by zero", positions: [1] },
    ]);
  });
});
