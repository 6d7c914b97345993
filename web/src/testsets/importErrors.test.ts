import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { refusedImport } from "./importErrors";

describe("refusedImport", () => {
  it("names the user's file and lists each bad line once, without the server's repeated prefix", () => {
    const message = "import.csv: 2 bad line(s), nothing imported:\n  import.csv:4: __expected: regex assertion: bad (column 2)\n  import.csv:6: 1 field(s), the header has 2";
    const error = new ApiError(400, "config_error", message, {
      file: "import.csv",
      errors: [
        { line: 4, column: 2, message: "import.csv:4: __expected: regex assertion: bad (column 2)" },
        { line: 4, column: 2, message: "import.csv:4: __expected: regex assertion: bad (column 2)" },
        { line: 6, column: null, message: "import.csv:6: 1 field(s), the header has 2" },
      ],
    });
    expect(refusedImport(error, "capitals.csv")).toEqual({
      summary: "capitals.csv: 2 bad lines, nothing imported",
      lines: ["line 4, column 2: __expected: regex assertion: bad", "line 6: 1 field(s), the header has 2"],
    });
  });

  it("says one bad line in the singular, and renames JSONL uploads too", () => {
    const error = new ApiError(400, "config_error", "x", {
      errors: [{ line: 2, column: null, message: "import.jsonl:2: vars: 'vars' must be a mapping" }],
    });
    expect(refusedImport(error, "my cases.jsonl")).toEqual({
      summary: "my cases.jsonl: 1 bad line, nothing imported",
      lines: ["line 2: vars: 'vars' must be a mapping"],
    });
  });

  it("keeps a message without lines, with the file renamed", () => {
    expect(refusedImport(new ApiError(400, "invalid_input", "the import holds no test cases"), "a.csv"))
      .toEqual({ summary: "the import holds no test cases", lines: [] });
    expect(refusedImport(new ApiError(400, "config_error", "import.csv: the CSV file is empty"), "a.csv").summary)
      .toBe("a.csv: the CSV file is empty");
    expect(refusedImport(new Error("Cannot reach the Assay API."), "a.csv").summary).toBe("Cannot reach the Assay API.");
  });
});
