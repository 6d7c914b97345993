// A request the API refused as invalid (422 validation_error), said once per problem and in
// words: "models #3 › id: must be openrouter:<model> or local:<name>", not pydantic's own.

import { ApiError } from "../api/client";

interface Entry {
  loc: string[];
  type: string;
  message: string;
}

const WHERE = new Set(["body", "query", "path", "header"]);

function entries(error: unknown): Entry[] {
  if (!(error instanceof ApiError) || error.code !== "validation_error") return [];
  const lines = error.details?.errors;
  if (!Array.isArray(lines)) return [];
  return lines.filter((e) => e && typeof e === "object" && Array.isArray((e as { loc?: unknown }).loc)).map((e) => {
    const { loc, type, message } = e as { loc: unknown[]; type?: unknown; message?: unknown };
    return { loc: loc.map(String), type: String(type ?? ""), message: String(message ?? "") };
  });
}

/** "models #3 › id" for ["body", "models", "2", "id"]: fields in words, positions from 1. */
export function fieldOf(loc: string[]): string {
  const parts = WHERE.has(loc[0]) ? loc.slice(1) : loc;
  const out: string[] = [];
  for (const part of parts) {
    if (/^\d+$/.test(part) && out.length > 0) out[out.length - 1] += ` #${Number(part) + 1}`;
    else out.push(part.replace(/_/g, " "));
  }
  return out.join(" › ");
}

function amount(message: string): string {
  const found = /(-?\d+(?:\.\d+)?)(?!.*\d)/.exec(message);
  return found ? Number(found[1]).toLocaleString() : "";
}

function firstAmount(message: string): string {
  const found = /(-?\d+(?:\.\d+)?)/.exec(message);
  return found ? Number(found[1]).toLocaleString() : "";
}

/** What is wrong with the value, as the end of a sentence about its field. */
export function plainMessage(entry: Entry): string {
  const { type, message, loc } = entry;
  switch (type) {
    case "missing": return "is required";
    case "string_too_long": return `is too long: at most ${firstAmount(message)} characters`;
    case "string_too_short": return `is too short: at least ${firstAmount(message)} characters`;
    case "too_long": return `has too many entries: at most ${firstAmount(message)}`;
    case "too_short": return `needs at least ${firstAmount(message)}`;
    case "greater_than_equal": return `must be at least ${amount(message)}`;
    case "greater_than": return `must be more than ${amount(message)}`;
    case "less_than_equal": return `must be at most ${amount(message)}`;
    case "less_than": return `must be less than ${amount(message)}`;
    case "uuid_parsing": case "uuid_type": return "is not a valid id";
    case "int_parsing": case "int_type": case "int_from_float": return "must be a whole number";
    case "float_parsing": case "float_type": return "must be a number";
    case "bool_parsing": case "bool_type": return "must be true or false";
    case "extra_forbidden": return "is not a field the server knows";
    case "string_pattern_mismatch":
      return loc[loc.length - 1] === "id" && loc.includes("models")
        ? "must be openrouter:<model> or local:<name>"
        : "is not in the form the server accepts";
    case "value_error": return message.replace(/^Value error, /, "");
    default: return message.replace(/^Input should be /, "must be ");
  }
}

/** Each distinct problem of a 422 validation_error, in words; empty for any other error. */
export function validationProblems(error: unknown): string[] {
  const lines = entries(error).map((e) => {
    const field = fieldOf(e.loc);
    const what = plainMessage(e);
    return field ? `${field}: ${what}` : what.charAt(0).toUpperCase() + what.slice(1);
  });
  return [...new Set(lines)];
}
