import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { fieldOf, validationProblems } from "./validation";

const refusal = (errors: unknown[]) => new ApiError(422, "validation_error", "invalid request: …", { errors });

describe("validationProblems", () => {
  it("says a refused model id once per model, in words, without the pattern", () => {
    const entry = { loc: ["body", "models", "2", "id"], type: "string_pattern_mismatch", message: "String should match pattern '^(openrouter|local):\\S+$'" };
    const problems = validationProblems(refusal([entry, entry]));
    expect(problems).toEqual(["models #3 › id: must be openrouter:<model> or local:<name>"]);
    expect(problems.join(" ")).not.toContain("pattern");
  });

  it("turns bounds and missing fields into sentences with their figures", () => {
    expect(validationProblems(refusal([
      { loc: ["body", "repeats"], type: "less_than_equal", message: "Input should be less than or equal to 100" },
      { loc: ["body", "concurrency"], type: "greater_than_equal", message: "Input should be greater than or equal to 1" },
      { loc: ["body", "prompt_version_ids"], type: "too_short", message: "List should have at least 1 item after validation, not 0" },
      { loc: ["body", "name"], type: "string_too_long", message: "String should have at most 200 characters" },
      { loc: ["body", "models"], type: "missing", message: "Field required" },
    ]))).toEqual([
      "repeats: must be at most 100",
      "concurrency: must be at least 1",
      "prompt version ids: needs at least 1",
      "name: is too long: at most 200 characters",
      "models: is required",
    ]);
  });

  it("keeps a whole-body problem's own words, without pydantic's prefix", () => {
    expect(validationProblems(refusal([
      { loc: ["body"], type: "value_error", message: "Value error, give test_set_version_id or test_set_id (its latest version)" },
    ]))).toEqual(["Give test_set_version_id or test_set_id (its latest version)"]);
  });

  it("says nothing for errors that are not validation errors", () => {
    expect(validationProblems(new ApiError(409, "conflict", "run has already completed"))).toEqual([]);
    expect(validationProblems(new ApiError(400, "malformed_json", "the body is not valid JSON", { errors: [{ loc: ["body"], type: "json_invalid", message: "x" }] }))).toEqual([]);
    expect(validationProblems(new Error("boom"))).toEqual([]);
  });
});

describe("fieldOf", () => {
  it("counts positions from 1 and drops where the value was sent", () => {
    expect(fieldOf(["body", "models", "0", "params", "max_tokens"])).toBe("models #1 › params › max tokens");
    expect(fieldOf(["query", "limit"])).toBe("limit");
  });
});
