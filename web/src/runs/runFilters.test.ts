import { describe, expect, it } from "vitest";
import { isUuid, runFilters } from "./runFilters";

const ID = "0b8f2c1e-6d4a-4f3b-9a51-2e7c8d9f0a1b";

describe("runFilters", () => {
  it("keeps a known status and a test set id", () => {
    expect(runFilters(new URLSearchParams(`status=failed&test_set=${ID}`))).toEqual({ status: "failed", testSet: ID, dropped: [] });
  });

  it("ignores an unknown status and a test set that is not an id, and says which to drop", () => {
    expect(runFilters(new URLSearchParams("status=bogus&test_set=x"))).toEqual({ status: "", testSet: "", dropped: ["status", "test_set"] });
    expect(runFilters(new URLSearchParams(`status=FAILED&test_set=${ID}x`))).toEqual({ status: "", testSet: "", dropped: ["status", "test_set"] });
  });

  it("treats an empty value as no filter, to be taken out of the address too", () => {
    expect(runFilters(new URLSearchParams("status=&q=batch"))).toEqual({ status: "", testSet: "", dropped: ["status"] });
  });

  it("leaves an address without filters alone", () => {
    expect(runFilters(new URLSearchParams("q=batch"))).toEqual({ status: "", testSet: "", dropped: [] });
  });

  it("accepts an upper-case id as the same id", () => {
    expect(runFilters(new URLSearchParams(`test_set=${ID.toUpperCase()}`)).testSet).toBe(ID);
  });
});

describe("isUuid", () => {
  it("accepts only the hyphenated form", () => {
    expect(isUuid(ID)).toBe(true);
    expect(isUuid(ID.replace(/-/g, ""))).toBe(false);
    expect(isUuid(`{${ID}}`)).toBe(false);
    expect(isUuid("")).toBe(false);
  });
});
