import type { ReactNode } from "react";
import { Link } from "react-router-dom";
import { ApiError } from "../api/client";
import { backTo, explain } from "./errors";
import { errorLine } from "./format";
import { validationProblems } from "./validation";

export function Loading({ what = "Loading" }: { what?: string }) {
  return (
    <p className="state loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {what}…
    </p>
  );
}

interface Back {
  to: string;
  label: string;
}

/**
 * An error in words a person can act on: a heading, one sentence (the API's own words when it
 * explains a refusal), any per-line details, and what the API said verbatim under "Technical
 * details". `page` makes it the page's content: an h1 heading and a link back to a list.
 */
export function ErrorBox({ error, title, page = false, back, onRetry, onDismiss }: {
  error: unknown;
  title?: string;
  page?: boolean;
  back?: Back;
  onRetry?: () => void;
  onDismiss?: () => void;
}) {
  const e = explain(error);
  const heading = (page ? e.title ?? title : title ?? e.title) ?? "Something went wrong";
  // A refused request's problems, each once, in words; the API's own message repeats them all.
  const problems = e.kind === "other" ? validationProblems(error) : [];
  const lines = problems.length > 0 ? problems
    : error instanceof ApiError && e.kind === "other" && Array.isArray(error.details?.errors) ? error.details.errors.map(errorLine) : null;
  const sentence = problems.length === 1 ? "The server refused this value:"
    : problems.length > 1 ? `The server refused these ${problems.length} values:` : e.sentence;
  const link = back ?? (page ? backTo(e.thing) : null);
  const Heading = page ? "h1" : "strong";
  return (
    <div className={page ? "state error error-page" : "state error"} role={page ? undefined : "alert"}>
      <Heading className="error-title">{heading}</Heading>
      <p className="error-message">{sentence}</p>
      {lines && lines.length > 0 && (
        <ul className="error-lines">
          {lines.slice(0, 50).map((line, i) => (
            <li key={i}>{line}</li>
          ))}
        </ul>
      )}
      {e.technical && (
        <details className="error-technical">
          <summary>Technical details</summary>
          <code>{e.technical}</code>
        </details>
      )}
      {(link || onRetry || onDismiss) && (
        <p className="error-actions">
          {onRetry && <button type="button" onClick={onRetry}>Try again</button>}
          {link && <Link to={link.to}>{link.label}</Link>}
          {onDismiss && <button type="button" className="link" onClick={onDismiss}>Dismiss</button>}
        </p>
      )}
    </div>
  );
}

/** A page that could not be shown: the error as its heading, and a way back. */
export function ErrorPage(props: { error: unknown; title?: string; back?: Back; onRetry?: () => void }) {
  return (
    <div className="page">
      <ErrorBox page {...props} />
    </div>
  );
}

/** Nothing to show; `page` when it is all the page shows, so its title is the page's heading. */
export function Empty({ title, children, page = false, back }: { title: string; children?: ReactNode; page?: boolean; back?: Back }) {
  const Heading = page ? "h1" : "h2";
  return (
    <div className="state empty">
      <Heading>{title}</Heading>
      {children && <div>{children}</div>}
      {back && <p><Link to={back.to}>{back.label}</Link></p>}
    </div>
  );
}
