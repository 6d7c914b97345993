// The template syntax the engine renders ({{ var }}, with optional filters), for highlighting
// and the live preview. The server's own detection is authoritative for the variable check.

const VARIABLE = /\{\{\s*([A-Za-z_][\w]*)(?:\.[\w.]+)?\s*(?:\|[^}]*)?\}\}/g;

export function variables(text: string): string[] {
  return [...new Set([...text.matchAll(VARIABLE)].map((m) => m[1]))];
}

export function render(text: string, vars: Record<string, unknown>): string {
  return text.replace(VARIABLE, (whole, name: string) => {
    if (!(name in vars)) return whole;
    const value = vars[name];
    return typeof value === "string" ? value : JSON.stringify(value);
  });
}

/** The text cut into plain and variable pieces, for highlighting. */
export function pieces(text: string): { text: string; variable: string | null }[] {
  const out: { text: string; variable: string | null }[] = [];
  let last = 0;
  for (const m of text.matchAll(VARIABLE)) {
    if (m.index! > last) out.push({ text: text.slice(last, m.index), variable: null });
    out.push({ text: m[0], variable: m[1] });
    last = m.index! + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), variable: null });
  return out;
}
