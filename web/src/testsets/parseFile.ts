// Client-side reading of an import file for its preview: rows and every bad line, before upload.
// The server checks again on import (all-or-nothing); this only lets the user see problems first.

export interface Preview {
  format: "csv" | "jsonl";
  columns: string[];
  rows: Record<string, string>[];
  errors: { line: number; message: string }[];
  total: number;
}

const PREVIEW_ROWS = 20;

/** Splits CSV text into records, each with the line it starts on; reports an unclosed quote. */
function records(text: string): { rows: { line: number; fields: string[] }[]; error: { line: number; message: string } | null } {
  const out: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  let quoteLine = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else { if (ch === "\n") line++; field += ch; }
    } else if (ch === '"' && field === "") { quoted = true; quoteLine = line; }
    else if (ch === ",") { fields.push(field); field = ""; }
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      fields.push(field);
      out.push({ line: start, fields });
      fields = []; field = ""; line++; start = line;
    } else field += ch;
  }
  // An unclosed quote swallows the rest of the file: report it, and check the lines before it.
  const error = quoted ? { line: quoteLine, message: "a quoted field is never closed" } : null;
  if (!quoted && (field !== "" || fields.length)) { fields.push(field); out.push({ line: start, fields }); }
  return { rows: out.filter((r) => !(r.fields.length === 1 && r.fields[0] === "")), error };
}

function parseCsv(text: string): Preview {
  const preview: Preview = { format: "csv", columns: [], rows: [], errors: [], total: 0 };
  const parsed = records(text);
  const [header, ...body] = parsed.rows;
  if (!header) {
    if (parsed.error) preview.errors.push(parsed.error);
    preview.errors.push({ line: 1, message: "the file is empty: it needs a header row" });
    return preview;
  }
  preview.columns = header.fields.map((c) => c.trim());
  const seen = new Set<string>();
  preview.columns.forEach((c, i) => {
    if (!c) preview.errors.push({ line: header.line, message: `column ${i + 1} has no name` });
    else if (seen.has(c)) preview.errors.push({ line: header.line, message: `column "${c}" appears twice` });
    seen.add(c);
  });
  for (const record of body) {
    if (record.fields.length !== preview.columns.length) {
      preview.errors.push({
        line: record.line,
        message: `${record.fields.length} fields, but the header has ${preview.columns.length}`,
      });
      continue;
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
  const preview: Preview = { format: "jsonl", columns: [], rows: [], errors: [], total: 0 };
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
    if (!value || typeof value !== "object" || Array.isArray(value)) {
      preview.errors.push({ line: index + 1, message: "each line must be a JSON object" });
      return;
    }
    preview.total++;
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
