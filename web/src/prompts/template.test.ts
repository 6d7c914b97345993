import { describe, expect, it } from "vitest";
import { pieces, render, variables } from "./template";

describe("variables", () => {
  it("finds nothing in empty or variable-free text", () => {
    expect(variables("")).toEqual([]);
    expect(variables("What is the capital of France?")).toEqual([]);
  });

  it("lists each variable once, in order of first use, with or without spaces", () => {
    expect(variables("{{ b }} then {{a}} then {{b}} and {{  a  }}")).toEqual(["b", "a"]);
  });

  it("names a dotted path or a filtered variable by its root", () => {
    expect(variables("{{ user.address.city }} {{ name | upper }} {{ n|default(1) }}")).toEqual(["user", "name", "n"]);
  });

  it("ignores what is not a variable", () => {
    expect(variables("{ single } {{}} {{ 1st }} {{ two words }} {% if x %}")).toEqual([]);
  });

  it("accepts underscores and digits after the first character", () => {
    expect(variables("{{_private}} {{ case_2 }}")).toEqual(["_private", "case_2"]);
  });
});

describe("render", () => {
  it("substitutes known variables and leaves unknown ones as written", () => {
    expect(render("{{ country }} / {{ missing }}", { country: "Japan" })).toBe("Japan / {{ missing }}");
  });

  it("leaves text without variables alone, including empty text", () => {
    expect(render("", { a: "x" })).toBe("");
    expect(render("no variables", {})).toBe("no variables");
  });

  it("writes non-string values as JSON and an empty string as empty", () => {
    expect(render("{{n}}|{{flag}}|{{list}}|{{none}}|{{empty}}", {
      n: 3, flag: true, list: [1, 2], none: null, empty: "",
    })).toBe("3|true|[1,2]|null|");
  });

  it("renders every occurrence, and a filtered variable as its plain value", () => {
    expect(render("{{x}}{{ x }}{{ x | upper }}", { x: "ab" })).toBe("ababab");
  });
});

describe("pieces", () => {
  it("cuts nothing out of empty text", () => {
    expect(pieces("")).toEqual([]);
  });

  it("marks variables and keeps the plain text between them", () => {
    expect(pieces("Hi {{ name }}, from {{city}}.")).toEqual([
      { text: "Hi ", variable: null },
      { text: "{{ name }}", variable: "name" },
      { text: ", from ", variable: null },
      { text: "{{city}}", variable: "city" },
      { text: ".", variable: null },
    ]);
  });

  it("has no empty plain pieces between adjacent variables or at the ends", () => {
    expect(pieces("{{a}}{{b}}")).toEqual([
      { text: "{{a}}", variable: "a" },
      { text: "{{b}}", variable: "b" },
    ]);
  });

  it("always joins back to the original text", () => {
    for (const text of ["plain", "{{a}}", "x {{ a.b | f }} y {{", "}} {{c}} {{ 9 }}"]) {
      expect(pieces(text).map((p) => p.text).join("")).toBe(text);
    }
  });

  it("can be called repeatedly on the same text (no regex state leaks)", () => {
    expect(pieces("{{a}} b")).toEqual(pieces("{{a}} b"));
    expect(variables("{{a}}")).toEqual(["a"]);
    expect(variables("{{a}}")).toEqual(["a"]);
  });
});
