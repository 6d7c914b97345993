// Plain-language explanations of the API's errors, for people rather than programs.

import { ApiError } from "../api/client";

export type ErrorKind = "bad-address" | "not-found" | "sign-in" | "forbidden" | "server" | "network" | "other";

export interface Explained {
  kind: ErrorKind;
  /** What went wrong, as a heading; null where the caller's own title says it better. */
  title: string | null;
  /** One sentence a person can act on. */
  sentence: string;
  /** What the API said, for a bug report: status, code and message; null when nothing to add. */
  technical: string | null;
  /** The kind of thing the address named ("run", "test set"), when the API said. */
  thing: string | null;
}

// The path parameters and detail keys the API uses for the things it looks up.
const THINGS: Record<string, string> = {
  run_id: "run",
  base_run_id: "run",
  test_set_id: "test set",
  version_id: "test set version",
  case_id: "case",
  prompt_id: "prompt",
  key_id: "API key",
  api_key_id: "API key",
  workspace_id: "workspace",
};

const article = (thing: string) => (/^[aeiou]/i.test(thing) ? "an" : "a");
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function details(error: ApiError): { loc: unknown[] }[] {
  const lines = error.details?.errors;
  return Array.isArray(lines) ? lines.filter((e): e is { loc: unknown[] } => Boolean(e) && Array.isArray((e as { loc?: unknown }).loc)) : [];
}

/** The thing a 4xx is about: from the path parameter a validation error names, or a detail key. */
function thingOf(error: ApiError): string | null {
  for (const line of details(error)) {
    const name = String(line.loc[line.loc.length - 1] ?? "");
    if (THINGS[name]) return THINGS[name];
  }
  for (const key of Object.keys(error.details ?? {})) {
    if (THINGS[key]) return THINGS[key];
  }
  const first = /^(run|prompt|test set|case|api key|workspace)\b/i.exec(error.message);
  return first ? first[1].toLowerCase().replace("api key", "API key") : null;
}

/** A validation error only about the address's own parts (an id that is not an id). */
function aboutTheAddress(error: ApiError): boolean {
  const lines = details(error);
  return lines.length > 0 && lines.every((e) => e.loc[0] === "path");
}

/** Explains `error` (an ApiError, any Error, or anything thrown) in words a person can act on. */
export function explain(error: unknown): Explained {
  if (!(error instanceof ApiError)) {
    const message = error instanceof Error ? error.message : String(error);
    return { kind: "other", title: null, sentence: message, technical: null, thing: null };
  }
  const technical = `${error.status ? `${error.status} · ` : ""}${error.code}: ${error.message}`;
  const thing = thingOf(error);
  if (error.status === 0 || error.code === "network_error") {
    return {
      kind: "network", title: "Cannot reach the Assay API", thing, technical: null,
      sentence: "The server did not answer. Check that it is running (`assay up`) and that this computer is online, then try again.",
    };
  }
  if ((error.status === 400 || error.status === 422) && aboutTheAddress(error)) {
    const what = thing ?? "page";
    return {
      kind: "bad-address", title: thing ? `No such ${thing}` : "Not a valid address", thing, technical,
      sentence: `This address does not name ${article(what)} ${what}: the link may be cut short or mistyped.`,
    };
  }
  if (error.status === 404) {
    return {
      kind: "not-found", title: `${capital(thing ?? "page")} not found`, thing, technical,
      sentence: thing
        ? `This ${thing} does not exist, or it belongs to a workspace you are not a member of. It may have been deleted.`
        : "Nothing was found here, or it belongs to a workspace you are not a member of.",
    };
  }
  if (error.status === 401) {
    return {
      kind: "sign-in", title: "Sign-in needed", thing, technical,
      sentence: "Your session has ended or your API key was revoked. Sign in again to continue.",
    };
  }
  if (error.status === 403) {
    return {
      kind: "forbidden", title: "Not allowed", thing, technical,
      sentence: "Your role in this workspace does not allow this. Ask the workspace's owner for access.",
    };
  }
  if (error.status >= 500) {
    return {
      kind: "server", title: "Server error", thing, technical,
      sentence: "The server ran into a problem and could not answer. Try again in a moment; if it keeps happening, the server's log says why.",
    };
  }
  // A request the API refused for a reason it states (a bad import, a conflict): its own words.
  return { kind: "other", title: null, sentence: error.message.replace(/^invalid request: /, ""), technical, thing };
}

/** The list page to go back to for a thing, for error pages' "back" links. */
export function backTo(thing: string | null): { to: string; label: string } {
  if (thing === "run") return { to: "/runs", label: "All runs" };
  if (thing === "test set" || thing === "test set version" || thing === "case") return { to: "/test-sets", label: "All test sets" };
  if (thing === "prompt") return { to: "/prompts", label: "All prompts" };
  if (thing === "API key" || thing === "workspace") return { to: "/settings", label: "Settings" };
  return { to: "/runs", label: "Back to the runs" };
}
