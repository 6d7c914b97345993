import { describe, expect, it } from "vitest";
import { cancelWords } from "./cancelWords";

describe("cancelWords", () => {
  it("counts the cells not run and says calls in flight are still paid for", () => {
    expect(cancelWords(12, 3)).toBe("12 cells have not run yet and will not be called. The 3 calls in flight still finish, and are paid for.");
    expect(cancelWords(1, 1)).toBe("1 cell has not run yet and will not be called. The 1 call in flight still finishes, and is paid for.");
  });

  it("says so when nothing is waiting or in flight", () => {
    expect(cancelWords(0, 2)).toMatch(/^Every cell has been called already/);
    expect(cancelWords(4, 0)).toBe("4 cells have not run yet and will not be called. Any call already in flight still finishes, and is paid for.");
  });
});
