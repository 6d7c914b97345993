// The assertion types the server accepts in a stored test set, and what each one's value must be.
//
// Mirrors src/assay/domain/assertions/registry.py (KINDS, and every type's `not-` form) less
// `python`, which runs only in the local CLI: the API refuses it (validate_assertion with
// allow_code=False). tests/unit/test_dashboard_assertion_types.py reads this file and compares
// every list below with the server's, so keep each list a plain literal, one quoted name per item.

/** Every type a test set case may use, in the order the case editor offers them. */
export const ASSERTION_TYPES: readonly string[] = [
  "equals",
  "contains",
  "icontains",
  "contains-any",
  "contains-all",
  "icontains-any",
  "icontains-all",
  "starts-with",
  "regex",
  "is-json",
  "contains-json",
  "levenshtein",
  "cost",
  "latency",
  "not-equals",
  "not-contains",
  "not-icontains",
  "not-contains-any",
  "not-contains-all",
  "not-icontains-any",
  "not-icontains-all",
  "not-starts-with",
  "not-regex",
  "not-is-json",
  "not-contains-json",
  "not-levenshtein",
  "not-cost",
  "not-latency",
];

/**
 * What a base type's value must be (registry.py's parser of each kind):
 * required: anything but null · text: a non-empty string or a number · scalar: a string or a number ·
 * list: a list of strings/numbers or a comma-separated string · regex: a pattern that compiles ·
 * schema: empty, or a JSON schema (object or text) · none: the value is not read.
 */
export type ValueShape = "required" | "text" | "scalar" | "list" | "regex" | "schema" | "none";

export const VALUE_SHAPES: Readonly<Record<string, ValueShape>> = {
  "equals": "required",
  "contains": "text",
  "icontains": "text",
  "contains-any": "list",
  "contains-all": "list",
  "icontains-any": "list",
  "icontains-all": "list",
  "starts-with": "text",
  "regex": "regex",
  "is-json": "schema",
  "contains-json": "schema",
  "levenshtein": "scalar",
  "cost": "none",
  "latency": "none",
};

/** Base types that cannot run without a threshold. */
export const NEEDS_THRESHOLD: readonly string[] = [
  "cost",
  "latency",
];

/** Types that run code: accepted by the local CLI only, refused by the server. */
export const CODE_TYPES: readonly string[] = [
  "python",
];

/**
 * Every type name the CSV `__expected` shorthand recognises (`name:value`, `name(3):value`), as
 * src/assay/config/expected.py does; a cell that starts with none of them is an `equals`.
 * Those that are not in ASSERTION_TYPES are refused.
 */
export const SHORTHAND_TYPES: readonly string[] = [
  "equals", "contains", "icontains", "contains-any", "contains-all", "icontains-any",
  "icontains-all", "starts-with", "ends-with", "regex", "is-json", "contains-json",
  "is-valid-json", "levenshtein", "cost", "latency", "python", "rouge-n", "bleu", "f-score",
  "is-xml", "contains-xml", "is-html", "contains-html", "is-sql", "contains-sql", "word-count",
  "finish-reason", "is-valid-function-call", "is-valid-openai-function-call",
  "is-valid-openai-tools-call", "tool-call-f1", "max-score", "guardrails", "ruby",
  "skill-used", "trace-error-spans", "trace-span-count", "trace-span-duration",
  "javascript", "llm-rubric", "model-graded-closedqa", "model-graded-factuality", "factuality",
  "similar", "answer-relevance", "context-faithfulness", "context-recall", "context-relevance",
  "classifier", "moderation", "perplexity", "perplexity-score", "select-best", "g-eval",
  "webhook", "pi", "is-refusal", "conversation-relevance", "gleu", "meteor", "agent-rubric",
  "search-rubric",
];

const NOT = "not-";

/** The base type and whether the `not-` form inverts it. */
export function splitType(name: string): [string, boolean] {
  return name.startsWith(NOT) ? [name.slice(NOT.length), true] : [name, false];
}

export function isAccepted(name: string): boolean {
  return ASSERTION_TYPES.includes(name);
}
