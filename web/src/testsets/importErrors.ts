// A refused import as the user should read it: the server names the file (the upload's own name,
// sent along) at the head of its message and of every bad line's; this says each line once,
// with its line and column up front.

import { ApiError } from "../api/client";
import { plural } from "../components/format";

export interface RefusedImport {
  summary: string;
  lines: string[];
}

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function entryLine(entry: unknown, fileName: string): string {
  if (!entry || typeof entry !== "object") return String(entry);
  const e = entry as { line?: unknown; column?: unknown; message?: unknown };
  let message = String(e.message ?? JSON.stringify(e));
  // "capitals.csv:4: __expected: … (column 2)": the file, line and column are said up front.
  message = message.replace(new RegExp(`^${escaped(fileName)}(?::\\d+)?:\\s*`), "");
  if (e.column) message = message.replace(new RegExp(`\\s*\\(column ${String(e.column)}\\)$`), "");
  const where = [typeof e.line === "number" ? `line ${e.line}` : null, e.column ? `column ${String(e.column)}` : null]
    .filter(Boolean).join(", ");
  return where ? `${where}: ${message}` : message;
}

/** The summary and the distinct bad lines of a refused import of `fileName`. */
export function refusedImport(error: unknown, fileName: string): RefusedImport {
  const message = error instanceof Error ? error.message : String(error);
  const entries = error instanceof ApiError && Array.isArray(error.details.errors) ? error.details.errors : [];
  if (entries.length === 0) return { summary: message, lines: [] };
  const lines = [...new Set(entries.map((e) => entryLine(e, fileName)))];
  const bad = new Set(entries.map((e) => (e && typeof e === "object" ? (e as { line?: unknown }).line : undefined))).size;
  return { summary: `${fileName}: ${plural(bad, "bad line")}, nothing imported`, lines };
}
