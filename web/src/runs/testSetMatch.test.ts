import { describe, expect, it } from "vitest";
import { testSetWarning } from "./testSetMatch";

const capitals = { test_set_id: "0b8f2c1e-6d4a-4f3b-9a51-2e7c8d9f0a1b", test_set_name: "Capitals" };
const rivers = { test_set_id: "5a1e9b7c-2f3d-4c8e-8b6a-1d0f9e8c7b6a", test_set_name: "Rivers" };
const deleted = { test_set_id: null, test_set_name: null };

describe("testSetWarning", () => {
  it("says nothing when both runs ran the same test set, whatever its version", () => {
    expect(testSetWarning(capitals, { ...capitals })).toBeNull();
  });

  it("names both test sets when they differ, and why the figures may mislead", () => {
    const warning = testSetWarning(capitals, rivers);
    expect(warning).toMatch(/^These runs used different test sets: “Capitals” before and “Rivers” after\./);
    expect(warning).toContain("matched by their case variables");
    expect(warning).toContain("may not mean an improvement");
  });

  it("warns when either run's test set was deleted", () => {
    expect(testSetWarning(deleted, rivers)).toMatch(/^The test set of the earlier run has been deleted/);
    expect(testSetWarning(capitals, deleted)).toMatch(/^The test set of this run has been deleted/);
    expect(testSetWarning(deleted, { test_set_id: undefined, test_set_name: undefined })).toMatch(/^The test set of both runs/);
  });
});
