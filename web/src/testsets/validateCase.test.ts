import { describe, expect, it } from "vitest";
import { ASSERTION_TYPES, CODE_TYPES, NEEDS_THRESHOLD, SHORTHAND_TYPES, VALUE_SHAPES, splitType } from "./assertionTypes";
import { checkAssertion, fromExpected, headerProblem, isPythonFloat, regexProblem, splitCommas, typeProblem } from "./validateCase";

describe("assertionTypes", () => {
  it("lists each base type with its not- form, each with a value shape, and no code types", () => {
    const bases = ASSERTION_TYPES.filter((t) => !t.startsWith("not-"));
    expect(ASSERTION_TYPES).toEqual([...bases, ...bases.map((b) => `not-${b}`)]);
    expect(Object.keys(VALUE_SHAPES)).toEqual(bases);
    expect(new Set(ASSERTION_TYPES).size).toBe(ASSERTION_TYPES.length);
    for (const t of [...NEEDS_THRESHOLD]) expect(bases).toContain(t);
    for (const t of CODE_TYPES) expect(ASSERTION_TYPES).not.toContain(t);
    expect(ASSERTION_TYPES).not.toContain("javascript");
    for (const b of bases) expect(SHORTHAND_TYPES).toContain(b);
  });

  it("splits off the not- prefix", () => {
    expect(splitType("not-contains")).toEqual(["contains", true]);
    expect(splitType("contains")).toEqual(["contains", false]);
  });
});

describe("typeProblem", () => {
  it("accepts every listed type and explains the others", () => {
    for (const t of ASSERTION_TYPES) expect(typeProblem(t)).toBeNull();
    expect(typeProblem("not-python")).toBe("not-python assertions run only in the local CLI, not on the server");
    expect(typeProblem("llm-rubric")).toBe("unsupported assertion type 'llm-rubric': Assay does not run it");
    expect(typeProblem("model-graded-anything")).toMatch(/^unsupported/);
    expect(typeProblem("starts-wth")).toBe("unknown assertion type 'starts-wth'; did you mean 'starts-with'?");
    expect(typeProblem("zzz")).toBe("unknown assertion type 'zzz'");
  });
});

describe("checkAssertion", () => {
  it("names the field at fault and prefixes the type", () => {
    expect(checkAssertion({ type: "latency", value: null }, "assert[0].")).toEqual([
      { field: "assert[0].threshold", message: "latency: latency needs a threshold" },
    ]);
    expect(checkAssertion({ type: "contains", value: "x", weight: -2, threshold: Infinity }, "")).toEqual([
      { field: "weight", message: "contains: the weight must be a number >= 0, not -2" },
      { field: "threshold", message: "contains: the threshold must be a finite number" },
    ]);
  });

  it("accepts the value shapes the server takes", () => {
    const ok: [string, unknown][] = [
      ["equals", { a: 1 }], ["equals", 0], ["contains", 5], ["levenshtein", ""], ["contains-any", ["a", 2]],
      ["icontains-all", "a, b"], ["is-json", null], ["is-json", true], ["is-json", "type: object"],
      ["contains-json", '{"type": "object"}'], ["regex", "^(?P<x>a)(?P=x)$"], ["regex", "(?i)abc"],
      ["not-regex", "(?s:a.b)\\Z"], ["contains", "{{ city }}"], ["contains-any", ["{{ a }}", {}]],
    ];
    for (const [type, value] of ok) expect(checkAssertion({ type, value, threshold: 1 }, ""), `${type} ${JSON.stringify(value)}`).toEqual([]);
  });

  it("refuses the value shapes the server refuses", () => {
    const bad: [string, unknown][] = [
      ["equals", null], ["contains", ""], ["contains", true], ["starts-with", ["a"]], ["levenshtein", {}],
      ["contains-any", ",, ,"], ["contains-any", [["a"]]], ["contains-all", 5], ["regex", ""], ["regex", "a("],
      ["is-json", 3], ["is-json", "[1, 2]"], ["is-json", "just words"], ["contains", "file://a.txt"],
    ];
    for (const [type, value] of bad) expect(checkAssertion({ type, value, threshold: 1 }, ""), `${type} ${JSON.stringify(value)}`).not.toEqual([]);
  });
});

describe("splitCommas", () => {
  it("trims, drops empty fields and keeps commas inside quotes", () => {
    expect(splitCommas(' a , "b, c",, "say ""hi""" ,"x\\"y"')).toEqual(["a", "b, c", 'say "hi"', 'x"y']);
    expect(splitCommas(" , ")).toEqual([]);
  });

  it("refuses an unterminated quote and text after a quoted field", () => {
    expect(() => splitCommas('"open')).toThrow("unterminated quoted field in the value");
    expect(() => splitCommas('"a" b')).toThrow('expected a comma after the quoted value "a"');
  });
});

describe("regexProblem", () => {
  it("compiles with JavaScript after rewriting Python-only syntax", () => {
    expect(regexProblem("(?i)^paris$")).toBeNull();
    expect(regexProblem("(?P<c>a)(?P=c)")).toBeNull();
    expect(regexProblem("\\Aab\\Z")).toBeNull();
    expect(regexProblem("([unclosed")).toMatch(/^invalid regular expression '\(\[unclosed': unterminated character class/i);
    expect(regexProblem("a)")).not.toBeNull();
  });
});

describe("fromExpected", () => {
  it("reads promptfoo's shorthand as the server does", () => {
    expect(fromExpected("contains: Paris ")).toEqual({ type: "contains", value: "Paris", threshold: null });
    expect(fromExpected("not-icontains-any:a, b")).toEqual({ type: "not-icontains-any", value: ["a", "b"], threshold: null });
    expect(fromExpected("levenshtein(3):Paris")).toEqual({ type: "levenshtein", value: "Paris", threshold: 3 });
    expect(fromExpected("is-json")).toEqual({ type: "is-json", value: null, threshold: null });
    expect(fromExpected("Paris, France")).toEqual({ type: "equals", value: "Paris, France" });
    expect(fromExpected(" contains:x")).toEqual({ type: "equals", value: " contains:x" });
    expect(fromExpected("python: True")).toEqual({ type: "python", value: "python: True" });
    expect(fromExpected("fn: x")).toEqual({ problem: "unsupported assertion prefix 'fn:' (it needs JavaScript or an LLM judge)" });
    expect(fromExpected("file://a.txt")).toEqual({ problem: "unsupported assertion file 'file://a.txt' (only .py files are supported)" });
  });
});

describe("isPythonFloat and headerProblem", () => {
  it("takes what float() takes", () => {
    for (const t of ["1", " 2 ", "1e3", "-.5", "5.", "inf", "NaN", "1_000"]) expect(isPythonFloat(t), t).toBe(true);
    for (const t of ["x", "-", ".", "0x10", "1__0", "1e"]) expect(isPythonFloat(t), t).toBe(false);
  });

  it("knows the special columns", () => {
    for (const ok of ["country", "__expected", "__expected_2", "__description", "__threshold", "__metric", "__metadata:tag"]) {
      expect(headerProblem(ok), ok).toBeNull();
    }
    expect(headerProblem("__suffix")).toBe("column '__suffix' is not supported by Assay");
    expect(headerProblem("__config:x")).toBe("column '__config:x' is not supported by Assay");
    expect(headerProblem("__weird")).toBe("unknown special column '__weird'");
  });
});
