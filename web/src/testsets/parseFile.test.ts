import { describe, expect, it } from "vitest";
import { formatOf, parseFile } from "./parseFile";

describe("formatOf", () => {
  it("reads .jsonl and .ndjson (any case) as JSON lines, everything else as CSV", () => {
    expect(formatOf("cases.jsonl")).toBe("jsonl");
    expect(formatOf("CASES.NDJSON")).toBe("jsonl");
    expect(formatOf("cases.csv")).toBe("csv");
    expect(formatOf("cases.txt")).toBe("csv");
    expect(formatOf("jsonl")).toBe("csv");
    expect(formatOf("cases.jsonl.csv")).toBe("csv");
  });
});

describe("parseFile as CSV", () => {
  it("reads a header and rows", () => {
    const p = parseFile("c.csv", "country,__expected\nFrance,contains:Paris\nJapan,contains:Tokyo\n");
    expect(p).toEqual({
      format: "csv",
      columns: ["country", "__expected"],
      rows: [
        { country: "France", __expected: "contains:Paris" },
        { country: "Japan", __expected: "contains:Tokyo" },
      ],
      errors: [],
      total: 2,
    });
  });

  it("reports an empty file, or one of blank lines, as needing a header", () => {
    for (const text of ["", "\n\n", "\uFEFF"]) {
      const p = parseFile("c.csv", text);
      expect(p.errors).toEqual([{ line: 1, message: "the file is empty: it needs a header row" }]);
      expect(p.total).toBe(0);
    }
  });

  it("accepts a header with no rows and a last row without a newline", () => {
    expect(parseFile("c.csv", "a,b").errors).toEqual([]);
    expect(parseFile("c.csv", "a,b\n1,2").rows).toEqual([{ a: "1", b: "2" }]);
  });

  it("handles quoted commas, doubled quotes, newlines inside quotes, CRLF and a BOM", () => {
    const text = '\uFEFFq,a\r\n"Hello, ""world""","line one\nline two"\r\nplain,x\r\n';
    const p = parseFile("c.csv", text);
    expect(p.columns).toEqual(["q", "a"]);
    expect(p.rows).toEqual([
      { q: 'Hello, "world"', a: "line one\nline two" },
      { q: "plain", a: "x" },
    ]);
    expect(p.errors).toEqual([]);
  });

  it("counts a CRLF as one line break in line numbers", () => {
    expect(parseFile("c.csv", "a,b\r\n1,2\r\n3\r\n").errors).toEqual([{ line: 3, message: "1 fields, but the header has 2" }]);
  });

  it("keeps a quote inside an unquoted field as text", () => {
    expect(parseFile("c.csv", 'a\nsay "hi"\n').rows).toEqual([{ a: 'say "hi"' }]);
  });

  it("trims header names and reports unnamed and repeated columns", () => {
    const p = parseFile("c.csv", " a ,,a\n1,2,3\n");
    expect(p.columns).toEqual(["a", "", "a"]);
    expect(p.errors).toEqual([
      { line: 1, message: "column 2 has no name" },
      { line: 1, message: 'column "a" appears twice' },
    ]);
  });

  it("reports rows with the wrong number of fields on the line they start, and leaves them out", () => {
    const p = parseFile("c.csv", 'a,b\n1,2\n3\n"multi\nline",5,6\n7,8\n');
    expect(p.errors).toEqual([
      { line: 3, message: "1 fields, but the header has 2" },
      { line: 4, message: "3 fields, but the header has 2" },
    ]);
    expect(p.total).toBe(2);
    expect(p.rows).toEqual([{ a: "1", b: "2" }, { a: "7", b: "8" }]);
  });

  it("skips blank lines but counts them in line numbers", () => {
    const p = parseFile("c.csv", "a,b\n\n1\n");
    expect(p.errors).toEqual([{ line: 3, message: "1 fields, but the header has 2" }]);
  });

  it("keeps a row of empty fields", () => {
    expect(parseFile("c.csv", "a,b\n,\n").rows).toEqual([{ a: "", b: "" }]);
  });

  it("reports an unclosed quote at its line and still checks the lines before it", () => {
    const p = parseFile("c.csv", 'a,b\n1,2\n3\n"Peru,x\n4,5\n');
    expect(p.errors).toEqual([
      { line: 3, message: "1 fields, but the header has 2" },
      { line: 4, message: "a quoted field is never closed" },
    ]);
    expect(p.total).toBe(1);
  });

  it("reports an unclosed quote in the header as well as the missing header", () => {
    expect(parseFile("c.csv", '"a,b\n1,2\n').errors).toEqual([
      { line: 1, message: "a quoted field is never closed" },
      { line: 1, message: "the file is empty: it needs a header row" },
    ]);
  });

  it("previews the first 20 rows but counts them all", () => {
    const text = "n\n" + Array.from({ length: 25 }, (_, i) => `${i}\n`).join("");
    const p = parseFile("c.csv", text);
    expect(p.total).toBe(25);
    expect(p.rows).toHaveLength(20);
    expect(p.rows[19]).toEqual({ n: "19" });
  });
});

describe("parseFile as JSON lines", () => {
  it("reads objects, writing non-string values as JSON, with columns in first-seen order", () => {
    const p = parseFile("c.jsonl", '{"vars": {"country": "Peru"}, "description": "p"}\n{"description": "q", "threshold": 0.5}\n');
    expect(p.format).toBe("jsonl");
    expect(p.columns).toEqual(["vars", "description", "threshold"]);
    expect(p.rows).toEqual([
      { vars: '{"country":"Peru"}', description: "p" },
      { description: "q", threshold: "0.5" },
    ]);
    expect(p.total).toBe(2);
    expect(p.errors).toEqual([]);
  });

  it("reports lines that are not JSON or not objects, by their line in the file", () => {
    const p = parseFile("c.ndjson", '{"a": 1}\r\n\r\n{oops\n[1, 2]\n5\nnull\n"text"\n{"b": 2}');
    expect(p.errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 7]);
    expect(p.errors[0].message).toMatch(/^not JSON: /);
    expect(p.errors.slice(1).map((e) => e.message)).toEqual(Array(4).fill("each line must be a JSON object"));
    expect(p.total).toBe(2);
    expect(p.columns).toEqual(["a", "b"]);
  });

  it("finds nothing and no errors in an empty file", () => {
    expect(parseFile("c.jsonl", "")).toEqual({ format: "jsonl", columns: [], rows: [], errors: [], total: 0 });
  });

  it("previews the first 20 objects but counts them all", () => {
    const p = parseFile("c.jsonl", Array.from({ length: 21 }, (_, i) => JSON.stringify({ i })).join("\n"));
    expect(p.total).toBe(21);
    expect(p.rows).toHaveLength(20);
  });
});
