// Number, money, time and value formatting shared by the pages.

export function when(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function usd(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  if (value === 0) return "$0";
  return value < 0.01 ? `$${value.toPrecision(2)}` : `$${value.toFixed(value < 10 ? 4 : 2)}`;
}

export function pct(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : `${(value * 100).toFixed(1)}%`;
}

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
}

export function int(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : value.toLocaleString();
}

export function show(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function duration(seconds: number): string {
  if (!isFinite(seconds) || seconds < 0) return "—";
  if (seconds < 9.95) return `${seconds.toFixed(1)} s`; // a short run: "0.4 s", not "0 s"
  const whole = Math.round(seconds); // round first, so 119.6 s is "2 min 0 s", not "1 min 60 s"
  if (whole < 60) return `${whole} s`;
  const m = Math.floor(whole / 60);
  return m < 60 ? `${m} min ${whole % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** One entry of an API error's `details.errors`: "line 3, column x: message", or what it is. */
export function errorLine(entry: unknown): string {
  if (!entry || typeof entry !== "object") return String(entry);
  const e = entry as Record<string, unknown>;
  const where = [e.line !== undefined && e.line !== null ? `line ${e.line}` : null,
    e.column ? `column ${e.column}` : null, Array.isArray(e.loc) ? e.loc.join(".") : null]
    .filter(Boolean).join(", ");
  return where ? `${where}: ${e.message}` : String(e.message ?? JSON.stringify(e));
}

/** "1 case", "2 cases", "1,200 cells": a count with its noun, singular only for exactly one. */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count.toLocaleString()} ${count === 1 ? noun : nouns}`;
}
