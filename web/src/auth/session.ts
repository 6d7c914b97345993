// The caller's credential: a Supabase access token (email + password sign-in) or an API key.

import { config } from "../config";

const STORAGE_KEY = "assay.session";

export interface Session {
  token: string;
  email: string | null;
  expiresAt: number | null; // epoch ms; null for API keys
}

let current: Session | null = read();
let reason: string | null = null;
const listeners = new Set<() => void>();

function read(): Session | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    const parsed = raw ? (JSON.parse(raw) as Session) : null;
    if (parsed && parsed.expiresAt !== null && parsed.expiresAt < Date.now()) return null;
    return parsed;
  } catch {
    return null;
  }
}

export function session(): Session | null {
  return current;
}

/** Why the last credential was dropped (the API's message), for the sign-in page. */
export function signedOutBecause(): string | null {
  return reason;
}

export function setSession(next: Session | null, why: string | null = null): void {
  current = next;
  reason = why;
  if (next) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  else sessionStorage.removeItem(STORAGE_KEY);
  listeners.forEach((fn) => fn());
}

export function onSessionChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Signs in with Supabase Auth's password grant; throws an Error with Supabase's message. */
export async function signInWithPassword(email: string, password: string): Promise<Session> {
  const { supabaseUrl, supabaseAnonKey } = config();
  if (!supabaseUrl) {
    throw new Error("This dashboard has no Supabase URL configured (config.json: supabaseUrl).");
  }
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (supabaseAnonKey) headers.apikey = supabaseAnonKey;
  let response: Response;
  try {
    response = await fetch(`${supabaseUrl}/auth/v1/token?grant_type=password`, {
      method: "POST",
      headers,
      body: JSON.stringify({ email, password }),
    });
  } catch {
    throw new Error(`Cannot reach Supabase at ${supabaseUrl}.`);
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || typeof body.access_token !== "string") {
    const message = body.error_description ?? body.msg ?? body.message ?? response.statusText;
    throw new Error(`Sign-in failed: ${String(message)}`);
  }
  const expiresIn = typeof body.expires_in === "number" ? body.expires_in : 3600;
  const next = { token: body.access_token, email, expiresAt: Date.now() + expiresIn * 1000 };
  setSession(next);
  return next;
}
