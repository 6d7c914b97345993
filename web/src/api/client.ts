// The one way the dashboard talks to the API: JSON over fetch, errors as ApiError.

import { config } from "../config";
import { session, setSession } from "../auth/session";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export type Query = Record<string, string | number | boolean | string[] | null | undefined>;

const WORKSPACE_KEY = "assay.workspace";

export function workspace(): string | null {
  return localStorage.getItem(WORKSPACE_KEY);
}

export function setWorkspace(id: string | null): void {
  if (id) localStorage.setItem(WORKSPACE_KEY, id);
  else localStorage.removeItem(WORKSPACE_KEY);
}

export function url(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === null || value === undefined || value === "") continue;
    if (Array.isArray(value)) value.forEach((v) => params.append(key, v));
    else params.append(key, String(value));
  }
  const qs = params.toString();
  return `${config().apiBaseUrl}/v1${path}${qs ? `?${qs}` : ""}`;
}

interface Options {
  method?: string;
  query?: Query;
  json?: unknown;
  body?: string;
  contentType?: string;
  raw?: boolean;
}

function headers(options: Options): Record<string, string> {
  const out: Record<string, string> = { Accept: "application/json" };
  const credential = session();
  if (credential) out.Authorization = `Bearer ${credential.token}`;
  const ws = workspace();
  if (ws) out["X-Assay-Workspace"] = ws;
  if (options.json !== undefined) out["Content-Type"] = "application/json";
  else if (options.contentType) out["Content-Type"] = options.contentType;
  return out;
}

async function failure(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => "");
  try {
    const { error } = JSON.parse(text) as {
      error: { code: string; message: string; details?: Record<string, unknown> };
    };
    return new ApiError(response.status, error.code, error.message, error.details ?? {});
  } catch {
    const message = `${response.status} ${response.statusText}: ${text.slice(0, 200) || "no body"}`;
    return new ApiError(response.status, "http_error", message);
  }
}

/** Calls the API; resolves to the parsed JSON (or text when `raw`), rejects with ApiError. */
export async function api<T>(path: string, options: Options = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url(path, options.query), {
      method: options.method ?? "GET",
      headers: headers(options),
      body: options.json !== undefined ? JSON.stringify(options.json) : options.body,
    });
  } catch {
    throw new ApiError(0, "network_error", "Cannot reach the Assay API. Is `assay up` running?");
  }
  if (!response.ok) {
    const error = await failure(response);
    if (error.status === 401 && session()) setSession(null, error.message); // back to sign-in
    throw error;
  }
  if (response.status === 204) return undefined as T;
  return (options.raw ? await response.text() : await response.json()) as T;
}
