// Client-side reading of an import file for its preview: rows and every bad line, before upload.
// The server checks again on import (all-or-nothing); this lets the user see every problem first,
// with the checks of validateCase.ts (the server's rules for cases and assertions, best effort).

import { plural } from "../components/format";
import { cellWarning, checkCell, headerProblem, readTest } from "./validateCase";

/** A bad line: its number in the file, the field or column when one is to blame, and why. */
export interface LineError { line: number; field?: string; message: string }

export interface Preview {
  format: "csv" | "jsonl";
  columns: string[];
  /** The first rows that would be imported (bad ones are left out). */
  rows: Record<string, string>[];
  errors: LineError[];
  /** Lines imported as read, though probably not as meant (they do not stop the import). */
  warnings: LineError[];
  /** How many cases the good lines make (a JSONL var holding a list makes one case per item). */
  total: number;
}

const PREVIEW_ROWS = 20;

interface CsvRecord { line: number; fields: string[]; error?: string }

/** Splits CSV text into records, each with the line it starts on; reports an unclosed quote. */
function records(text: string): { rows: CsvRecord[]; error: LineError | null } {
  const out: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let closedQuote = false; // just after a quoted field's closing quote: only a comma or line end may follow
  let bad: string | undefined;
  let line = 1;
  let start = 1;
  let quoteLine = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') { quoted = false; closedQuote = true; }
      else { if (ch === "\n") line++; field += ch; }
      continue;
    }
    const ends = ch === "," || ch === "\n" || ch === "\r";
    if (closedQuote && !ends) bad ??= `a closing quote must be followed by a comma or the end of the line`;
    closedQuote = false;
    if (ch === '"' && field === "") { quoted = true; quoteLine = line; }
    else if (ch === ",") { fields.push(field); field = ""; }
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      fields.push(field);
      out.push({ line: start, fields, error: bad });
      fields = []; field = ""; bad = undefined; line++; start = line;
    } else field += ch;
  }
  // An unclosed quote swallows the rest of the file: report it, and check the lines before it.
  const error = quoted ? { line: quoteLine, message: "a quoted field is never closed" } : null;
  if (!quoted && (field !== "" || fields.length)) { fields.push(field); out.push({ line: start, fields, error: bad }); }
  return { rows: out.filter((r) => !(r.fields.length === 1 && r.fields[0] === "")), error };
}

function parseCsv(text: string): Preview {
  const preview: Preview = { format: "csv", columns: [], rows: [], errors: [], warnings: [], total: 0 };
  const parsed = records(text);
  const [header, ...body] = parsed.rows;
  if (!header) {
    if (parsed.error) preview.errors.push(parsed.error);
    preview.errors.push({ line: 1, message: "the file is empty: it needs a header row" });
    return preview;
  }
  // The server reads the names as written; the preview shows them trimmed.
  const names = header.fields;
  preview.columns = names.map((c) => c.trim());
  const seen = new Set<string>();
  if (header.error) preview.errors.push({ line: header.line, message: header.error });
  preview.columns.forEach((c, i) => {
    const problem = !c ? `column ${i + 1} has no name` : seen.has(c) ? `column "${c}" appears twice` : headerProblem(names[i]);
    if (problem) preview.errors.push({ line: header.line, message: problem });
    seen.add(c);
  });
  for (const record of body) {
    // A line of spaces is blank to the server when the header has several columns.
    if (record.fields.length === 1 && !record.fields[0].trim() && names.length > 1) continue;
    if (record.error) { preview.errors.push({ line: record.line, message: record.error }); continue; }
    if (record.fields.length !== names.length) {
      preview.errors.push({
        line: record.line,
        message: `${plural(record.fields.length, "field")}, but the header has ${names.length}`,
      });
      continue;
    }
    const before = preview.errors.length;
    record.fields.forEach((value, i) => {
      for (const message of checkCell(names[i], value)) {
        preview.errors.push({ line: record.line, field: `${preview.columns[i]} (column ${i + 1})`, message });
      }
    });
    if (preview.errors.length > before) continue;
    record.fields.forEach((value, i) => {
      const warning = cellWarning(names[i], value);
      if (warning) preview.warnings.push({ line: record.line, field: `${preview.columns[i]} (column ${i + 1})`, message: warning });
    });
    if (record.fields.every((value) => !value.trim())) {
      preview.warnings.push({ line: record.line, message: "every field is empty: this makes a case with no variables and no assertions" });
    }
    preview.total++;
    if (preview.rows.length < PREVIEW_ROWS) {
      preview.rows.push(Object.fromEntries(preview.columns.map((c, i) => [c, record.fields[i]])));
    }
  }
  if (parsed.error) preview.errors.push(parsed.error);
  return preview;
}

function parseJsonl(text: string): Preview {
  const preview: Preview = { format: "jsonl", columns: [], rows: [], errors: [], warnings: [], total: 0 };
  const columns = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    if (!raw.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      preview.errors.push({ line: index + 1, message: `not JSON: ${(e as Error).message}` });
      return;
    }
    const test = readTest(value);
    if (test.problems.length) {
      for (const p of test.problems) {
        preview.errors.push({ line: index + 1, ...(p.field ? { field: p.field } : {}), message: p.message });
      }
      return;
    }
    preview.total += test.cases;
    const flat: Record<string, string> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      columns.add(k);
      flat[k] = typeof v === "string" ? v : JSON.stringify(v);
    }
    if (preview.rows.length < PREVIEW_ROWS) preview.rows.push(flat);
  });
  preview.columns = [...columns];
  return preview;
}

export function formatOf(name: string): "csv" | "jsonl" {
  return /\.(jsonl|ndjson)$/i.test(name) ? "jsonl" : "csv";
}

export function parseFile(name: string, text: string): Preview {
  const body = text.replace(/^\uFEFF/, "");
  return formatOf(name) === "jsonl" ? parseJsonl(body) : parseCsv(body);
}

/** How many lines have at least one problem. */
export function badLines(preview: Preview): number {
  return new Set(preview.errors.map((e) => e.line)).size;
}
