import type { ReactNode } from "react";
import { ApiError } from "../api/client";
import { errorLine } from "./format";

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
            <li key={i}>{errorLine(e)}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Nothing to show; `page` when it is all the page shows, so its title is the page's heading. */
export function Empty({ title, children, page = false }: { title: string; children?: ReactNode; page?: boolean }) {
  const Heading = page ? "h1" : "h2";
  return (
    <div className="state empty">
      <Heading>{title}</Heading>
      {children && <div>{children}</div>}
    </div>
  );
}
