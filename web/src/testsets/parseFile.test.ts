import { describe, expect, it } from "vitest";
import { badLines, formatOf, parseFile } from "./parseFile";

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
      warnings: [],
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
    expect(parseFile("c.csv", "a,b\r\n1,2\r\n3\r\n").errors).toEqual([{ line: 3, message: "1 field, but the header has 2" }]);
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
      { line: 3, message: "1 field, but the header has 2" },
      { line: 4, message: "3 fields, but the header has 2" },
    ]);
    expect(p.total).toBe(2);
    expect(p.rows).toEqual([{ a: "1", b: "2" }, { a: "7", b: "8" }]);
  });

  it("skips blank lines (and lines of spaces, as the server does) but counts them in line numbers", () => {
    const p = parseFile("c.csv", "a,b\n\n  \n1\n");
    expect(p.errors).toEqual([{ line: 4, message: "1 field, but the header has 2" }]);
  });

  it("keeps a row of empty fields, with a warning that it makes an empty case", () => {
    const p = parseFile("c.csv", "a,b\n,\n");
    expect(p.rows).toEqual([{ a: "", b: "" }]);
    expect(p.warnings).toEqual([{ line: 2, message: "every field is empty: this makes a case with no variables and no assertions" }]);
  });

  it("warns of an __expected written like an assertion type that does not exist, and imports it as read", () => {
    const p = parseFile("c.csv", "country,__expected\nFrance,icontain: paris\nPeru,see http://x.test\nChad,not-contain: x\nFiji,icontains: suva\n");
    expect(p.errors).toEqual([]);
    expect(p.total).toBe(4);
    expect(p.warnings).toEqual([
      { line: 2, field: "__expected (column 2)", message: `'icontain' is not an assertion type, so this is read as: equals "icontain: paris" (did you mean 'icontains'?)` },
      { line: 4, field: "__expected (column 2)", message: expect.stringContaining(`'not-contain' is not an assertion type`) },
    ]);
  });

  it("reports an unclosed quote at its line and still checks the lines before it", () => {
    const p = parseFile("c.csv", 'a,b\n1,2\n3\n"Peru,x\n4,5\n');
    expect(p.errors).toEqual([
      { line: 3, message: "1 field, but the header has 2" },
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
    const p = parseFile("c.ndjson", '{"description": "a"}\r\n\r\n{oops\n[1, 2]\n5\nnull\n"text"\n{"vars": {}}');
    expect(p.errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 7]);
    expect(p.errors[0].message).toMatch(/^not JSON: /);
    expect(p.errors.slice(1).map((e) => e.message)).toEqual(Array(4).fill("each line must be a JSON object"));
    expect(p.total).toBe(2);
    expect(p.columns).toEqual(["description", "vars"]);
  });

  it("finds nothing and no errors in an empty file", () => {
    expect(parseFile("c.jsonl", "")).toEqual({ format: "jsonl", columns: [], rows: [], errors: [], warnings: [], total: 0 });
  });

  it("previews the first 20 objects but counts them all", () => {
    const p = parseFile("c.jsonl", Array.from({ length: 21 }, (_, i) => JSON.stringify({ vars: { i } })).join("\n"));
    expect(p.total).toBe(21);
    expect(p.rows).toHaveLength(20);
  });
});

describe("parseFile checks what the server would refuse, on every line, before anything is sent", () => {
  it("refuses vars that are not an object and an unknown assertion type, naming the field", () => {
    const p = parseFile("c.jsonl", [
      '{"vars": {"country": "Peru"}, "assert": [{"type": "contains", "value": "Lima"}]}',
      '{"vars": "should be object"}',
      '{"vars": {"country": "Chile"}, "assert": [{"type": "no-such-type"}]}',
      '{"vars": {"country": "Chile"}, "assert": [{"type": "icontain", "value": "x"}]}',
    ].join("\n"));
    expect(p.errors).toEqual([
      { line: 2, field: "vars", message: "'vars' must be an object, not \"should be object\"" },
      { line: 3, field: "assert[0].type", message: expect.stringMatching(/^unknown assertion type 'no-such-type'/) },
      { line: 4, field: "assert[0].type", message: "unknown assertion type 'icontain'; did you mean 'icontains'?" },
    ]);
    expect(p.total).toBe(1);
    expect(p.rows).toHaveLength(1);
  });

  it("refuses javascript, python, unknown fields, bad numbers and a bad assert list", () => {
    const p = parseFile("c.jsonl", [
      '{"assert": [{"type": "javascript", "value": "1"}, {"type": "python", "value": "x"}]}',
      '{"vars": {}, "expected": "x", "threshold": "high"}',
      '{"assert": {"type": "contains"}}',
      '{"assert": ["contains", {"value": "x"}, {"type": "contains", "value": "x", "weight": -1, "colour": 1}]}',
      '{"metadata": [1], "options": {"disableVarExpansion": "yes", "other": 1}}',
    ].join("\n"));
    expect(p.errors.map((e) => [e.line, e.field])).toEqual([
      [1, "assert[0].type"], [1, "assert[1].type"],
      [2, "expected"], [2, "threshold"],
      [3, "assert"],
      [4, "assert[0]"], [4, "assert[1].type"], [4, "assert[2].colour"], [4, "assert[2].weight"],
      [5, "metadata"], [5, "options.disableVarExpansion"], [5, "options.other"],
    ]);
    expect(p.errors[0].message).toBe("unsupported assertion type 'javascript': Assay does not run it");
    expect(p.errors[1].message).toBe("python assertions run only in the local CLI, not on the server");
    expect(p.total).toBe(0);
  });

  it("checks each type's value and compiles regular expressions", () => {
    const p = parseFile("c.jsonl", [
      '{"assert": [{"type": "regex", "value": "([unclosed"}]}',
      '{"assert": [{"type": "contains"}, {"type": "not-contains-any", "value": {"a": 1}}]}',
      '{"assert": [{"type": "cost"}, {"type": "levenshtein", "value": "x", "threshold": -1}]}',
      '{"assert": [{"type": "is-json", "value": 5}, {"type": "contains", "value": "file://x.txt"}]}',
      '{"assert": [{"type": "regex", "value": "(?i)^(?P<city>paris)$"}, {"type": "contains", "value": "{{ city }}"}]}',
      '{"assert": [{"type": "icontains-all", "value": "a, \\"b, c\\""}, {"type": "is-json", "value": "type: object"}]}',
    ].join("\n"));
    expect(p.errors.map((e) => `${e.line} ${e.field}: ${e.message}`)).toEqual([
      expect.stringMatching(/^1 assert\[0\]\.value: regex: invalid regular expression '\(\[unclosed': /),
      "2 assert[0].value: contains: the value must be a non-empty string",
      "2 assert[1].value: not-contains-any: the value must be a list or a comma-separated string",
      "3 assert[0].threshold: cost: cost needs a threshold",
      "3 assert[1].threshold: levenshtein: the threshold (the largest distance allowed) must be >= 0",
      "4 assert[0].value: is-json: the value must be a JSON schema (an object, or JSON/YAML text)",
      "4 assert[1].value: contains: file:// values are not supported here; write the value inline (file://x.txt)",
    ]);
    expect(p.total).toBe(2); // Python's regex syntax and templated values pass, as on the server
  });

  it("counts one case per item of a var holding a list of strings, as the server expands them", () => {
    const p = parseFile("c.jsonl", [
      '{"vars": {"city": ["Paris", "Rome"], "lang": ["en", "fr", "de"]}}',
      '{"vars": {"city": ["Paris", "Rome"]}, "options": {"disableVarExpansion": true}}',
      '{"vars": {"n": [1, 2]}}',
    ].join("\n"));
    expect(p.total).toBe(8);
    expect(p.rows).toHaveLength(3);
  });

  it("reads CSV __expected cells as the server does and names the column", () => {
    const csv = [
      "country,__expected,__expected2,__threshold",
      "France,contains:Paris,,",
      "Japan,regex:([unclosed,,",
      'Italy,javascript: output.length > 1,"icontains-any:rome, roma",0.5',
      "Spain,nosuchtype:Madrid,not-regex(2):^x$,high",
      "Peru,ends-with:Lima,contains,1e3",
      "Chile,python: True,is-json,",
    ].join("\n");
    const p = parseFile("c.csv", csv);
    expect(p.errors.map((e) => `${e.line} ${e.field}: ${e.message}`)).toEqual([
      expect.stringMatching(/^3 __expected \(column 2\): regex: invalid regular expression/),
      "4 __expected (column 2): unsupported assertion prefix 'javascript:' (it needs JavaScript or an LLM judge)",
      '5 __threshold (column 4): the threshold must be a number, not "high"',
      "6 __expected (column 2): unsupported assertion type 'ends-with': Assay does not run it",
      "6 __expected2 (column 3): contains: the value must be a non-empty string",
      "7 __expected (column 2): python assertions run only in the local CLI, not on the server",
    ]);
    // Line 5's "nosuchtype:Madrid" names no type: it is an equals assertion, which the server takes too.
    expect(p.total).toBe(1);
    expect(p.rows.map((r) => r.country)).toEqual(["France"]);
  });

  it("refuses the special columns the server does not know, and text after a closing quote", () => {
    const p = parseFile("c.csv", 'q,__prefix,__metadata:,__metadata:tag,__description\n"a"b,1,2,3,4\n');
    expect(p.errors).toEqual([
      { line: 1, message: "column '__prefix' is not supported by Assay" },
      { line: 1, message: "unknown special column '__metadata:'" },
      { line: 2, message: "a closing quote must be followed by a comma or the end of the line" },
    ]);
  });
});

describe("badLines", () => {
  it("counts lines, not problems", () => {
    const p = parseFile("c.jsonl", '{"vars": 1, "threshold": "x"}\n{"vars": 2}\n');
    expect(p.errors).toHaveLength(3);
    expect(badLines(p)).toBe(2);
  });
});
