import { describe, expect, it } from "vitest";
import { assertionRows, expectedOf, foundIn } from "./cellAssertions";

const lisbon = [{ type: "contains", value: "Lisbon" }, { type: "is-json" }];

describe("assertionRows", () => {
  it("lists a failed call's assertions as not evaluated, never as 'no assertions'", () => {
    const rows = assertionRows({ error: "missing variable 'language'", state: "failed", grading: null }, lisbon);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ type: "contains", value: "Lisbon", outcome: "not evaluated", score: null });
    expect(rows[0].reason).toContain("the call failed");
    expect(rows[1]).toMatchObject({ type: "is-json", value: "", outcome: "not evaluated" });
  });

  it("marks a cell still waiting for its answer as pending, and a cancelled one as not evaluated", () => {
    expect(assertionRows({ error: null, state: "leased", grading: null }, lisbon)[0].outcome).toBe("pending");
    expect(assertionRows({ error: null, state: "pending", grading: null }, lisbon)[0].outcome).toBe("pending");
    const cancelled = assertionRows({ error: null, state: "cancelled", grading: null }, lisbon)[0];
    expect(cancelled.outcome).toBe("not evaluated");
    expect(cancelled.reason).toContain("cancelled");
  });

  it("shows graded results with the expected values beside them when they line up", () => {
    const rows = assertionRows({
      error: null, state: "done",
      grading: { results: [{ type: "contains", passed: false, score: 0, reason: "Expected Lisbon" }, { type: "is-json", passed: true, score: 1 }] },
    }, lisbon);
    expect(rows.map((r) => [r.type, r.value, r.outcome, r.score, r.reason])).toEqual([
      ["contains", "Lisbon", "fail", 0, "Expected Lisbon"],
      ["is-json", "", "pass", 1, ""],
    ]);
  });

  it("leaves values out when the graded list does not match the case's (a default test added some)", () => {
    const rows = assertionRows({ error: null, state: "done", grading: { results: [{ type: "equals", passed: true, score: 1 }] } }, lisbon);
    expect(rows).toEqual([{ type: "equals", value: "", outcome: "pass", score: 1, reason: "" }]);
  });

  it("is empty for a case without assertions", () => {
    expect(assertionRows({ error: "boom", state: "failed", grading: null }, [])).toEqual([]);
  });
});

describe("expectedOf", () => {
  it("picks the first textual assertion with a text value, not a negated or pattern one", () => {
    expect(expectedOf([{ type: "not-contains", value: "x" }, { type: "regex", value: "a+" }, { type: "icontains", value: "rome" }]))
      .toEqual({ type: "icontains", value: "rome" });
    expect(expectedOf([{ type: "is-json" }, { type: "contains", value: "" }])).toBeUndefined();
  });
});

describe("foundIn", () => {
  it("finds a contains assertion's text as written, an icontains one in any case", () => {
    expect(foundIn({ type: "contains", value: "Lima" }, "Lima is the capital")).toEqual({ start: 0, end: 4 });
    expect(foundIn({ type: "contains", value: "lima" }, "Lima is the capital")).toBeNull();
    expect(foundIn({ type: "icontains", value: "LIMA" }, "It is Lima.")).toEqual({ start: 6, end: 10 });
  });

  it("finds starts-with text only at the start, and nothing for an empty value", () => {
    expect(foundIn({ type: "starts-with", value: "It" }, "It is")).toEqual({ start: 0, end: 2 });
    expect(foundIn({ type: "starts-with", value: "is" }, "It is")).toBeNull();
    expect(foundIn({ type: "contains", value: "" }, "anything")).toBeNull();
  });
});
