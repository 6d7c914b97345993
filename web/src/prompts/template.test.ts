import { describe, expect, it } from "vitest";
import { pieces, variables, type PieceKind } from "./template";

/** The non-plain pieces as "kind:text", for compact expectations. */
function marked(text: string, kinds: PieceKind[] = ["variable", "local"]): string[] {
  return pieces(text).filter((p) => kinds.includes(p.kind)).map((p) => `${p.kind}:${p.text}`);
}

describe("variables", () => {
  it("finds nothing in empty or variable-free text", () => {
    expect(variables("")).toEqual([]);
    expect(variables("What is the capital of France?")).toEqual([]);
    expect(variables("{ single } {{ 'literal' }} {{ 3 }} {# {{ commented }} #}")).toEqual([]);
  });

  it("lists each variable once, in order of first use, with or without spaces", () => {
    expect(variables("{{ b }} then {{a}} then {{b}} and {{  a  }}")).toEqual(["b", "a"]);
  });

  it("names a dotted path or a filtered variable by its root, not the filter or its arguments", () => {
    expect(variables("{{ user.address.city }} {{ name | upper }} {{ n|default(1) }} {{ x | replace(a, 'b') }}"))
      .toEqual(["user", "name", "n", "x", "a"]);
    expect(variables("{{ items | join(', ') | truncate(length=10, killwords=true) }}")).toEqual(["items"]);
  });

  it("reads variables in if, elif and expressions, but not keywords, tests or globals", () => {
    expect(variables("{% if language and not tone %}{% elif mood is defined %}{% else %}{% endif %}"))
      .toEqual(["language", "tone", "mood"]);
    expect(variables("{{ a if b else c }} {{ x is not none }} {{ range(3) | list }} {{ true }}"))
      .toEqual(["a", "b", "c", "x"]);
    expect(variables("{{ x == y }} {{ f(k=1) }}")).toEqual(["x", "y", "f"]);
  });

  it("does not count loop variables, set names, with names or macro arguments", () => {
    expect(variables("{% for item in items %}{{ item.name }} {{ loop.index }} {{ other }}{% endfor %}{{ item }}"))
      .toEqual(["items", "other", "item"]);
    expect(variables("{% for k, v in pairs.items() %}{{ k }}={{ v }}{% endfor %}")).toEqual(["pairs"]);
    expect(variables("{% set greeting = 'Hi ' ~ name %}{{ greeting }}")).toEqual(["name"]);
    expect(variables("{% with a = b %}{{ a }}{% endwith %}{{ a }}")).toEqual(["b", "a"]);
    expect(variables("{% macro show(x, y=z) %}{{ x }}{{ y }}{{ w }}{% endmacro %}{{ show(q) }}"))
      .toEqual(["z", "w", "q"]);
  });

  it("reads nothing inside a raw block and handles whitespace control", () => {
    expect(variables("{% raw %}{{ shown }}{% endraw %}{{ used }}")).toEqual(["used"]);
    expect(variables("{%- if a -%}{{- b -}}{%+ endif %}")).toEqual(["a", "b"]);
  });

  it("accepts underscores and digits after the first character", () => {
    expect(variables("{{_private}} {{ case_2 }}")).toEqual(["_private", "case_2"]);
  });
});

describe("pieces", () => {
  it("cuts nothing out of empty text", () => {
    expect(pieces("")).toEqual([]);
  });

  it("marks variables and keeps the syntax and plain text around them", () => {
    expect(pieces("Hi {{ name }}, from {{city}}.")).toEqual([
      { text: "Hi ", kind: "text", variable: null },
      { text: "{{ ", kind: "syntax", variable: null },
      { text: "name", kind: "variable", variable: "name" },
      { text: " }}", kind: "syntax", variable: null },
      { text: ", from ", kind: "text", variable: null },
      { text: "{{", kind: "syntax", variable: null },
      { text: "city", kind: "variable", variable: "city" },
      { text: "}}", kind: "syntax", variable: null },
      { text: ".", kind: "text", variable: null },
    ]);
  });

  it("marks a dotted path whole, filters as syntax, and loop variables as locals", () => {
    expect(marked("{{ user.name | upper }}")).toEqual(["variable:user.name"]);
    expect(pieces("{{ x | upper }}").find((p) => p.text.includes("upper"))?.kind).toBe("syntax");
    expect(marked("{% for c in cities %}{{ c.name }}{% endfor %}")).toEqual([
      "local:c", "variable:cities", "local:c.name",
    ]);
  });

  it("marks comments and leaves an unclosed tag as written", () => {
    expect(marked("a {# note {{ x }} #} b", ["comment"])).toEqual(["comment:{# note {{ x }} #}"]);
    expect(pieces("Hello {{ name")).toEqual([{ text: "Hello {{ name", kind: "text", variable: null }]);
  });

  it("finds the end of a tag past a quoted delimiter", () => {
    expect(marked("{{ '}}' ~ a }} {{ b }}")).toEqual(["variable:a", "variable:b"]);
  });

  it("always joins back to the original text", () => {
    for (const text of [
      "plain", "{{a}}", "x {{ a.b | f }} y {{", "}} {{c}} {{ 9 }}", "{% for a in b %}{{ a }}",
      "{% raw %}{{ x }}", "{# open", "{{ 'unclosed }}", "{%- set x = 1 -%}{{x}}", "{% endfor %}{% endfor %}",
    ]) {
      expect(pieces(text).map((p) => p.text).join("")).toBe(text);
    }
  });

  it("can be called repeatedly on the same text (no regex state leaks)", () => {
    expect(pieces("{{a}} b")).toEqual(pieces("{{a}} b"));
    expect(variables("{{a}}")).toEqual(["a"]);
    expect(variables("{{a}}")).toEqual(["a"]);
  });
});
