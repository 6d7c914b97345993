import type { ReactNode } from "react";
import { ApiError } from "../api/client";

export function Loading({ what = "Loading" }: { what?: string }) {
  return (
    <p className="state loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {what}…
    </p>
  );
}

/** An error as the API said it: its message, code and any per-line details. */
export function ErrorBox({ error, title = "Something went wrong" }: { error: unknown; title?: string }) {
  const api = error instanceof ApiError ? error : null;
  const message = error instanceof Error ? error.message : String(error);
  const lines = api?.details?.errors;
  return (
    <div className="state error" role="alert">
      <strong>{title}</strong>
      <p className="error-message">{message}</p>
      {api && api.code !== "network_error" && (
        <p className="muted">
          {api.status} · {api.code}
        </p>
      )}
      {Array.isArray(lines) && lines.length > 0 && (
        <ul className="error-lines">
          {lines.slice(0, 50).map((e, i) => (
            <li key={i}>{describe(e)}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function describe(entry: unknown): string {
  if (!entry || typeof entry !== "object") return String(entry);
  const e = entry as Record<string, unknown>;
  const where = [e.line !== undefined && e.line !== null ? `line ${e.line}` : null,
    e.column ? `column ${e.column}` : null, Array.isArray(e.loc) ? e.loc.join(".") : null]
    .filter(Boolean).join(", ");
  return where ? `${where}: ${e.message}` : String(e.message ?? JSON.stringify(e));
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state empty">
      <h2>{title}</h2>
      {children && <div>{children}</div>}
    </div>
  );
}
