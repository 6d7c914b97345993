// Client-side checks of cases and assertions, mirroring what the server refuses (best effort):
// src/assay/config/{cases,assertions,expected,tables}.py for import files and
// src/assay/domain/assertions/validation.py for every assertion. The server checks again; these
// only let the user see every problem, with its line and field, before anything is sent.

import { CODE_TYPES, NEEDS_THRESHOLD, SHORTHAND_TYPES, VALUE_SHAPES, ASSERTION_TYPES, isAccepted, splitType } from "./assertionTypes";

/** One problem with one field of a case: `field` as "vars", "assert[1].value", "__expected (column 2)". */
export interface Problem { field: string; message: string }

export interface SpecLike {
  type: string;
  value?: unknown;
  threshold?: number | null;
  weight?: number | null;
}

const TEST_KEYS = ["description", "vars", "assert", "threshold", "metadata", "options"];
const ASSERTION_KEYS = ["type", "value", "threshold", "weight", "metric"];
const UNSUPPORTED_PREFIXES = ["similar:", "trajectory:", "promptfoo:", "select-", "model-graded-"];
const MAX_COMBINATIONS = 100_000;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isScalar(v: unknown): v is string | number {
  return typeof v === "string" || typeof v === "number";
}

function isNumber(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

/** Why the server refuses an assertion type, or null when it accepts it. */
export function typeProblem(name: string): string | null {
  if (isAccepted(name)) return null;
  const [base] = splitType(name);
  if (CODE_TYPES.includes(base)) return `${name} assertions run only in the local CLI, not on the server`;
  if (SHORTHAND_TYPES.includes(base) || UNSUPPORTED_PREFIXES.some((p) => base.startsWith(p))) {
    return `unsupported assertion type '${name}': Assay does not run it`;
  }
  const scored = ASSERTION_TYPES.map((t) => [t, distance(t, name)] as const).filter(([, d]) => d <= 2);
  const best = Math.min(...scored.map(([, d]) => d));
  const near = scored.filter(([, d]) => d === best).map(([t]) => t).slice(0, 3);
  return `unknown assertion type '${name}'${near.length ? `; did you mean ${near.map((n) => `'${n}'`).join(" or ")}?` : ""}`;
}

/** Whether a value holds `{{ }}` or `{% %}`: only its rendered form can be checked, so the server skips it. */
function isTemplated(v: unknown): boolean {
  if (typeof v === "string") return v.includes("{{") || v.includes("{%");
  return Array.isArray(v) && v.some(isTemplated);
}

/** promptfoo's comma-separated list: trimmed fields, empty ones dropped, "double quotes" keep commas. */
export function splitCommas(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  const isSpace = (ch: string) => /\s/.test(ch);
  for (;;) {
    while (i < text.length && (isSpace(text[i]) || text[i] === ",")) i++;
    if (i >= text.length) return out;
    if (text[i] === '"') {
      let field = "";
      i++;
      let closed = false;
      while (i < text.length) {
        const ch = text[i];
        const next = text[i + 1] ?? "";
        if ((ch === "\\" && (next === '"' || next === "\\")) || (ch === '"' && next === '"')) { field += next; i += 2; }
        else if (ch === '"') { i++; closed = true; break; }
        else { field += ch; i++; }
      }
      if (!closed) throw new Error("unterminated quoted field in the value");
      while (i < text.length && isSpace(text[i])) i++;
      if (i < text.length && text[i] !== ",") throw new Error(`expected a comma after the quoted value "${field}"`);
      out.push(field);
    } else {
      let stop = text.indexOf(",", i);
      if (stop < 0) stop = text.length;
      out.push(text.slice(i, stop).trim());
      i = stop;
    }
  }
}

/** Python-only regex syntax rewritten to JavaScript's, so a pattern the server compiles compiles here too. */
function asJsPattern(pattern: string): string {
  return pattern
    .replace(/\(\?#[^)]*\)/g, "")
    .replace(/^\(\?[aiLmsux]+\)/, "")
    .replace(/\(\?[aiLmsux]*(?:-[imsx]+)?:/g, "(?:")
    .replace(/\(\?P<(?=[A-Za-z_])/g, "(?<")
    .replace(/\(\?P=(\w+)\)/g, "\\k<$1>")
    .replace(/\(\?>/g, "(?:")
    .replace(/([*+?}])\+/g, "$1")
    .replace(/\\Z/g, "$")
    .replace(/\\A/g, "^");
}

/** Why a regular expression does not compile (JavaScript's reading, best effort), or null. */
export function regexProblem(pattern: string): string | null {
  try {
    new RegExp(asJsPattern(pattern));
    return null;
  } catch (e) {
    const reason = (e as Error).message.split(": ").pop() ?? "";
    return `invalid regular expression '${pattern}': ${reason.charAt(0).toLowerCase()}${reason.slice(1)}`;
  }
}

const YAML_BOOLEANS = /^(y|n|yes|no|true|false|on|off)$/i;

function schemaProblem(value: unknown): string | null {
  const wrong = "the value must be a JSON schema (an object, or JSON/YAML text)";
  if (value === null || value === undefined || value === "") return null;
  if (typeof value === "boolean" || isObject(value)) return null;
  if (typeof value !== "string") return wrong;
  const text = value.trim();
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "boolean" || isObject(parsed) ? null : wrong;
  } catch {
    // YAML text: a mapping needs a colon or braces; a bare word is a string, not a schema.
    return text.includes(":") || text.startsWith("{") || YAML_BOOLEANS.test(text) ? null : wrong;
  }
}

/** What is wrong with an assertion's value for its type (the server's parsers), or null. */
function valueProblem(base: string, value: unknown): string | null {
  switch (VALUE_SHAPES[base]) {
    case "required":
      return value === null || value === undefined ? "a value is required" : null;
    case "text":
      return isScalar(value) && value !== "" ? null : "the value must be a non-empty string";
    case "scalar":
      return isScalar(value) ? null : "the value must be the expected string";
    case "list": {
      let items: unknown[];
      if (typeof value === "string") {
        try { items = splitCommas(value); } catch (e) { return (e as Error).message; }
      } else if (Array.isArray(value)) {
        if (!value.every(isScalar)) return "every item of the value list must be a string or a number";
        items = value;
      } else return "the value must be a list or a comma-separated string";
      return items.length ? null : "the value must name at least one string";
    }
    case "regex":
      return typeof value === "string" && value ? regexProblem(value) : "the value must be a non-empty regular expression";
    case "schema":
      return schemaProblem(value);
    default:
      return null;
  }
}

/** Every problem the server would find with one assertion (validate_assertion, code not allowed). */
export function checkAssertion(spec: SpecLike, field: string): Problem[] {
  const type = typeProblem(spec.type);
  if (type) return [{ field: `${field}type`, message: type }];
  const [base] = splitType(spec.type);
  const out: Problem[] = [];
  const weight = spec.weight ?? 1;
  if (!Number.isFinite(weight) || weight < 0) out.push({ field: `${field}weight`, message: `the weight must be a number >= 0, not ${weight}` });
  const threshold = spec.threshold ?? null;
  if (threshold !== null && !Number.isFinite(threshold)) out.push({ field: `${field}threshold`, message: "the threshold must be a finite number" });
  if (NEEDS_THRESHOLD.includes(base) && threshold === null) out.push({ field: `${field}threshold`, message: `${spec.type} needs a threshold` });
  if (base === "levenshtein" && threshold !== null && threshold < 0) {
    out.push({ field: `${field}threshold`, message: "the threshold (the largest distance allowed) must be >= 0" });
  }
  const value = spec.value;
  if (typeof value === "string" && value.startsWith("file://")) {
    out.push({ field: `${field}value`, message: `file:// values are not supported here; write the value inline (${value})` });
  } else if (!isTemplated(value)) {
    const problem = valueProblem(base, value);
    if (problem) out.push({ field: `${field}value`, message: problem });
  }
  return out.map((p) => ({ ...p, message: `${spec.type}: ${p.message}` }));
}

/** One assertion object as a JSONL line or JSON body writes it. */
function readAssertion(obj: unknown, field: string): Problem[] {
  if (!isObject(obj)) return [{ field, message: "an assertion must be an object with a 'type'" }];
  const out: Problem[] = [];
  for (const key of Object.keys(obj)) {
    if (!ASSERTION_KEYS.includes(key)) out.push({ field: `${field}.${key}`, message: `unknown field '${key}' (allowed: ${[...ASSERTION_KEYS].sort().join(", ")})` });
  }
  if (typeof obj.type !== "string" || !obj.type) return [...out, { field: `${field}.type`, message: "an assertion needs a 'type' string" }];
  const spec: SpecLike = { type: obj.type, value: obj.value };
  for (const key of ["threshold", "weight"] as const) {
    const v = obj[key];
    if (v === null || v === undefined) continue;
    if (isNumber(v)) spec[key] = v;
    else out.push({ field: `${field}.${key}`, message: `must be a number, not ${JSON.stringify(v)}` });
  }
  if (obj.metric !== null && obj.metric !== undefined && typeof obj.metric !== "string") {
    out.push({ field: `${field}.metric`, message: "must be a string" });
  }
  return [...out, ...checkAssertion(spec, `${field}.`)];
}

/** How many cases one test becomes: each var holding a list of strings is one case per item. */
function expansion(vars: Record<string, unknown>, expand: boolean): number {
  if (!expand) return 1;
  let n = 1;
  for (const v of Object.values(vars)) {
    if (Array.isArray(v) && v.length && typeof v[0] === "string") n *= v.length;
  }
  return n;
}

/** One JSONL test object: every problem, and how many cases it makes when there are none. */
export function readTest(obj: unknown): { problems: Problem[]; cases: number } {
  if (!isObject(obj)) return { problems: [{ field: "", message: "each line must be a JSON object" }], cases: 0 };
  const problems: Problem[] = [];
  for (const key of Object.keys(obj)) {
    if (!TEST_KEYS.includes(key)) problems.push({ field: key, message: `unknown field '${key}' (allowed: ${[...TEST_KEYS].sort().join(", ")})` });
  }
  for (const key of ["vars", "metadata", "options"]) {
    const v = obj[key];
    if (v !== null && v !== undefined && !isObject(v)) problems.push({ field: key, message: `'${key}' must be an object, not ${JSON.stringify(v)}` });
  }
  if (obj.threshold !== null && obj.threshold !== undefined && !isNumber(obj.threshold)) {
    problems.push({ field: "threshold", message: `must be a number, not ${JSON.stringify(obj.threshold)}` });
  }
  let expand = true;
  if (isObject(obj.options)) {
    for (const [key, v] of Object.entries(obj.options)) {
      if (key !== "disableVarExpansion") problems.push({ field: `options.${key}`, message: `unsupported option '${key}' (supported: disableVarExpansion)` });
      else if (v !== null && typeof v !== "boolean") problems.push({ field: "options.disableVarExpansion", message: "must be true or false" });
      else if (v === true) expand = false;
    }
  }
  const asserts = obj.assert;
  if (asserts !== null && asserts !== undefined) {
    if (!Array.isArray(asserts)) problems.push({ field: "assert", message: "'assert' must be a list of assertions" });
    else asserts.forEach((a, i) => problems.push(...readAssertion(a, `assert[${i}]`)));
  }
  const cases = isObject(obj.vars) ? expansion(obj.vars, expand) : 1;
  if (cases > MAX_COMBINATIONS) problems.push({ field: "vars", message: `the vars expand to more than ${MAX_COMBINATIONS.toLocaleString("en")} cases` });
  return { problems, cases: problems.length ? 0 : cases };
}

const LEGACY_PREFIXES = ["javascript:", "fn:", "eval:", "grade:", "llm-rubric:"];
const LIST_BASES = ["contains-any", "contains-all", "icontains-any", "icontains-all"];
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const SHORTHAND = new RegExp(
  `^(not-)?(${[...SHORTHAND_TYPES].sort((a, b) => b.length - a.length).map(escape).join("|")})` +
  "(?:\\((\\d+(?:\\.\\d+)?)\\))?(?::([\\s\\S]*))?$",
);

/** One `__expected` cell (`contains: x`, `not-regex: y`, `levenshtein(3): z`, else `equals`) as the server reads it. */
export function fromExpected(text: string): SpecLike | { problem: string } {
  const legacy = LEGACY_PREFIXES.find((p) => text.startsWith(p));
  if (legacy) return { problem: `unsupported assertion prefix '${legacy}' (it needs JavaScript or an LLM judge)` };
  if (text.startsWith("python:") || (text.startsWith("file://") && (text.endsWith(".py") || text.includes(".py:")))) {
    return { type: "python", value: text };
  }
  if (text.startsWith("file://")) return { problem: `unsupported assertion file '${text}' (only .py files are supported)` };
  const match = SHORTHAND.exec(text);
  if (!match) return { type: "equals", value: text };
  const [, negated, kind, threshold, value] = match;
  const parsed: unknown = LIST_BASES.includes(kind) ? (value ?? "").split(",").map((p) => p.trim())
    : value === undefined ? null : value.trim();
  return { type: (negated ?? "") + kind, value: parsed, threshold: threshold === undefined ? null : Number(threshold) };
}

/** Python's float(): what `__threshold` must be. */
export function isPythonFloat(text: string): boolean {
  const t = text.trim();
  const digits = "\\d(?:_?\\d)*";
  return /^[+-]?(inf|infinity|nan)$/i.test(t) ||
    new RegExp(`^[+-]?(?:${digits}(?:\\.(?:${digits})?)?|\\.${digits})(?:[eE][+-]?${digits})?$`).test(t);
}

/** Why the server refuses a CSV header name (`__` columns it does not know), or null. */
export function headerProblem(name: string): string | null {
  if (!name.startsWith("__") || name.startsWith("__expected")) return null;
  if (["__description", "__threshold", "__metric"].includes(name)) return null;
  if (name.startsWith("__metadata:") && name.length > "__metadata:".length) return null;
  if (["__prefix", "__suffix", "__providerOutput", "__config:"].some((p) => name.startsWith(p))) {
    return `column '${name}' is not supported by Assay`;
  }
  return `unknown special column '${name}'`;
}

/** Every problem with one CSV cell, by its header name. */
export function checkCell(name: string, value: string): string[] {
  if (name.startsWith("__expected")) {
    if (!value.trim()) return [];
    const spec = fromExpected(value);
    if ("problem" in spec) return [spec.problem];
    return checkAssertion(spec, "").map((p) => p.message);
  }
  if (name === "__threshold" && value.trim() && !isPythonFloat(value)) {
    return [`the threshold must be a number, not "${value}"`];
  }
  return [];
}

// "word: …" at the start of an __expected cell: written like an assertion type.
const LOOKS_TYPED = /^((?:not-)?[a-z][a-z0-9-]*)(?:\(\d*\.?\d+\))?:\s/;

/**
 * What the server takes without complaint but the user most likely did not mean, for one CSV
 * cell: an __expected cell written like an assertion of a type that does not exist
 * ("icontain: paris") is read, as promptfoo reads it, as an `equals` of the whole text.
 */
export function cellWarning(name: string, value: string): string | null {
  if (!name.startsWith("__expected")) return null;
  const spec = fromExpected(value);
  if ("problem" in spec || spec.type !== "equals") return null;
  const written = LOOKS_TYPED.exec(value)?.[1];
  if (!written || written === "equals" || isAccepted(written)) return null;
  const hint = typeProblem(written)?.match(/did you mean (.*)\?$/)?.[1];
  return `'${written}' is not an assertion type, so this is read as: equals "${value}"${hint ? ` (did you mean ${hint}?)` : ""}`;
}
