import { beforeEach, describe, expect, it, vi } from "vitest";
import { MemoryStorage } from "../testing/memoryStorage";

const KEY = "assay.session";
const NOW = Date.UTC(2025, 0, 1);
let storage: MemoryStorage;

/** A fresh copy of the module, reading whatever `storage` holds at import time. */
async function load() {
  vi.resetModules();
  vi.stubGlobal("sessionStorage", storage);
  return { ...(await import("./session")), config: await import("../config") };
}

/** fetch answering config.json with `supabase` settings and the token endpoint with `token`. */
function stubFetch(token: () => Response | Promise<Response>) {
  const fetch = vi.fn(async (input: RequestInfo | URL, _init?: RequestInit) => {
    const url = String(input);
    if (url.endsWith("config.json")) {
      return Response.json({ supabaseUrl: "https://auth.test/", supabaseAnonKey: "anon" });
    }
    return token();
  });
  vi.stubGlobal("fetch", fetch);
  return fetch;
}

beforeEach(() => {
  storage = new MemoryStorage();
  vi.spyOn(Date, "now").mockReturnValue(NOW);
});

describe("the stored session", () => {
  it("starts signed out with nothing stored", async () => {
    const { session, signedOutBecause } = await load();
    expect(session()).toBeNull();
    expect(signedOutBecause()).toBeNull();
  });

  it("is read back while it has not expired", async () => {
    const stored = { token: "t", email: "ada@example.com", expiresAt: NOW + 1000 };
    storage.setItem(KEY, JSON.stringify(stored));
    expect((await load()).session()).toEqual(stored);
  });

  it("is dropped once expired", async () => {
    storage.setItem(KEY, JSON.stringify({ token: "t", email: null, expiresAt: NOW - 1 }));
    expect((await load()).session()).toBeNull();
  });

  it("never expires for an API key", async () => {
    storage.setItem(KEY, JSON.stringify({ token: "ak_x", email: null, expiresAt: null }));
    expect((await load()).session()?.token).toBe("ak_x");
  });

  it("is ignored when it is not JSON", async () => {
    storage.setItem(KEY, "{not json");
    expect((await load()).session()).toBeNull();
  });
});

describe("setSession", () => {
  it("stores the session, then removes it with the reason, telling each listener", async () => {
    const { session, setSession, signedOutBecause, onSessionChange } = await load();
    const heard = vi.fn();
    onSessionChange(heard);
    const next = { token: "t", email: "a@b.c", expiresAt: null };
    setSession(next);
    expect(session()).toEqual(next);
    expect(JSON.parse(storage.getItem(KEY)!)).toEqual(next);
    setSession(null, "token expired");
    expect(session()).toBeNull();
    expect(storage.getItem(KEY)).toBeNull();
    expect(signedOutBecause()).toBe("token expired");
    expect(heard).toHaveBeenCalledTimes(2);
  });

  it("clears the last reason on a new sign-in", async () => {
    const { setSession, signedOutBecause } = await load();
    setSession(null, "revoked");
    setSession({ token: "t", email: null, expiresAt: null });
    expect(signedOutBecause()).toBeNull();
  });

  it("stops telling a listener that unsubscribed", async () => {
    const { setSession, onSessionChange } = await load();
    const heard = vi.fn();
    const stop = onSessionChange(heard);
    stop();
    setSession(null);
    expect(heard).not.toHaveBeenCalled();
  });
});

describe("signInWithPassword", () => {
  it("refuses when no Supabase URL is configured, without calling anything", async () => {
    const fetch = vi.fn();
    vi.stubGlobal("fetch", fetch);
    const { signInWithPassword } = await load();
    await expect(signInWithPassword("a@b.c", "pw")).rejects.toThrow(/no Supabase URL configured/);
    expect(fetch).not.toHaveBeenCalled();
  });

  it("posts the password grant and keeps the token until it expires", async () => {
    const fetch = stubFetch(() => Response.json({ access_token: "jwt", expires_in: 60 }));
    const { signInWithPassword, session, config } = await load();
    await config.loadConfig();
    const signed = await signInWithPassword("ada@example.com", "secret");
    expect(signed).toEqual({ token: "jwt", email: "ada@example.com", expiresAt: NOW + 60_000 });
    expect(session()).toEqual(signed);
    expect(JSON.parse(storage.getItem(KEY)!)).toEqual(signed);
    const [url, init] = fetch.mock.calls[1];
    expect(url).toBe("https://auth.test/auth/v1/token?grant_type=password"); // trailing slash dropped
    expect(init?.method).toBe("POST");
    expect(init?.headers).toEqual({ "Content-Type": "application/json", apikey: "anon" });
    expect(JSON.parse(String(init?.body))).toEqual({ email: "ada@example.com", password: "secret" });
  });

  it("assumes an hour when Supabase gives no lifetime", async () => {
    stubFetch(() => Response.json({ access_token: "jwt" }));
    const { signInWithPassword, config } = await load();
    await config.loadConfig();
    expect((await signInWithPassword("a@b.c", "pw")).expiresAt).toBe(NOW + 3_600_000);
  });

  it("throws Supabase's own message and stays signed out", async () => {
    stubFetch(() => Response.json({ error: "invalid_grant", error_description: "Invalid login credentials" }, { status: 400 }));
    const { signInWithPassword, session, config } = await load();
    await config.loadConfig();
    await expect(signInWithPassword("a@b.c", "wrong")).rejects.toThrow("Sign-in failed: Invalid login credentials");
    expect(session()).toBeNull();
  });

  it("falls back to the HTTP status text when the answer is not JSON", async () => {
    stubFetch(() => new Response("<html>bad gateway</html>", { status: 502, statusText: "Bad Gateway" }));
    const { signInWithPassword, config } = await load();
    await config.loadConfig();
    await expect(signInWithPassword("a@b.c", "pw")).rejects.toThrow("Sign-in failed: Bad Gateway");
  });

  it("treats a 200 without a token as a failure", async () => {
    stubFetch(() => Response.json({ msg: "email not confirmed" }));
    const { signInWithPassword, session, config } = await load();
    await config.loadConfig();
    await expect(signInWithPassword("a@b.c", "pw")).rejects.toThrow("Sign-in failed: email not confirmed");
    expect(session()).toBeNull();
  });

  it("says which Supabase it could not reach", async () => {
    stubFetch(() => Promise.reject(new TypeError("fetch failed")));
    const { signInWithPassword, config } = await load();
    await config.loadConfig();
    await expect(signInWithPassword("a@b.c", "pw")).rejects.toThrow("Cannot reach Supabase at https://auth.test.");
  });
});
