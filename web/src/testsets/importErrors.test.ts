import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { refusedImport } from "./importErrors";

describe("refusedImport", () => {
  it("lists each bad line once, with its line and column up front instead of the file's name", () => {
    const message = "capitals.csv: 2 bad line(s), nothing imported:\n  capitals.csv:4: __expected: regex assertion: bad (column 2)\n  capitals.csv:6: 1 field(s), the header has 2";
    const error = new ApiError(400, "config_error", message, {
      file: "capitals.csv",
      errors: [
        { line: 4, column: 2, message: "capitals.csv:4: __expected: regex assertion: bad (column 2)" },
        { line: 4, column: 2, message: "capitals.csv:4: __expected: regex assertion: bad (column 2)" },
        { line: 6, column: null, message: "capitals.csv:6: 1 field(s), the header has 2" },
      ],
    });
    expect(refusedImport(error, "capitals.csv")).toEqual({
      summary: "capitals.csv: 2 bad lines, nothing imported",
      lines: ["line 4, column 2: __expected: regex assertion: bad", "line 6: 1 field(s), the header has 2"],
    });
  });

  it("says one bad line in the singular, and takes file names with pattern characters literally", () => {
    const error = new ApiError(400, "config_error", "x", {
      errors: [{ line: 2, column: null, message: "my (1) cases+.jsonl:2: vars: 'vars' must be a mapping" }],
    });
    expect(refusedImport(error, "my (1) cases+.jsonl")).toEqual({
      summary: "my (1) cases+.jsonl: 1 bad line, nothing imported",
      lines: ["line 2: vars: 'vars' must be a mapping"],
    });
  });

  it("keeps a message without lines as the server said it", () => {
    expect(refusedImport(new ApiError(400, "invalid_input", "a.csv: the import holds no test cases"), "a.csv"))
      .toEqual({ summary: "a.csv: the import holds no test cases", lines: [] });
    expect(refusedImport(new Error("Cannot reach the Assay API."), "a.csv").summary).toBe("Cannot reach the Assay API.");
  });
});
