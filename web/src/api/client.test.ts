import { beforeEach, describe, expect, it, vi } from "vitest";
import { MemoryStorage } from "../testing/memoryStorage";

let local: MemoryStorage;
let sessions: MemoryStorage;

async function load() {
  vi.resetModules();
  vi.stubGlobal("localStorage", local);
  vi.stubGlobal("sessionStorage", sessions);
  return { ...(await import("./client")), auth: await import("../auth/session") };
}

/** fetch that answers every call with `answer()` and records what was asked. */
function stubFetch(answer: () => Response | Promise<Response>) {
  const fetch = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => answer());
  vi.stubGlobal("fetch", fetch);
  return fetch;
}

beforeEach(() => {
  local = new MemoryStorage();
  sessions = new MemoryStorage();
});

describe("url", () => {
  it("prefixes /v1 and leaves out an empty query", async () => {
    const { url } = await load();
    expect(url("/runs")).toBe("/v1/runs");
    expect(url("/runs", {})).toBe("/v1/runs");
  });

  it("skips null, undefined and empty values and repeats array values", async () => {
    const { url } = await load();
    expect(url("/results", { a: null, b: undefined, c: "", limit: 50, open: false, model: ["x", "y z"] }))
      .toBe("/v1/results?limit=50&open=false&model=x&model=y+z");
  });

  it("escapes query values", async () => {
    const { url } = await load();
    expect(url("/models", { q: "gpt&claude=1" })).toBe("/v1/models?q=gpt%26claude%3D1");
  });
});

describe("workspace", () => {
  it("is remembered in local storage and forgotten with null", async () => {
    const { workspace, setWorkspace } = await load();
    expect(workspace()).toBeNull();
    setWorkspace("ws-1");
    expect(workspace()).toBe("ws-1");
    expect(local.getItem("assay.workspace")).toBe("ws-1");
    setWorkspace(null);
    expect(workspace()).toBeNull();
  });
});

describe("api", () => {
  it("GETs JSON with no credentials by default", async () => {
    const fetch = stubFetch(() => Response.json({ items: [] }));
    const { api } = await load();
    expect(await api("/runs", { query: { limit: 5 } })).toEqual({ items: [] });
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe("/v1/runs?limit=5");
    expect(init).toEqual({ method: "GET", headers: { Accept: "application/json" }, body: undefined });
  });

  it("sends the bearer token, the workspace and a JSON body", async () => {
    const fetch = stubFetch(() => Response.json({ id: "1" }, { status: 201 }));
    const { api, setWorkspace, auth } = await load();
    auth.setSession({ token: "tok", email: null, expiresAt: null });
    setWorkspace("ws-9");
    await api("/test-sets", { method: "POST", json: { name: "Capitals" } });
    const init = fetch.mock.calls[0][1]!;
    expect(init.method).toBe("POST");
    expect(init.headers).toEqual({
      Accept: "application/json",
      Authorization: "Bearer tok",
      "X-Assay-Workspace": "ws-9",
      "Content-Type": "application/json",
    });
    expect(init.body).toBe('{"name":"Capitals"}');
  });

  it("sends a raw body with its own content type", async () => {
    const fetch = stubFetch(() => Response.json({}));
    const { api } = await load();
    await api("/import", { method: "POST", body: "a,b\n1,2\n", contentType: "text/csv" });
    const init = fetch.mock.calls[0][1]!;
    expect(init.body).toBe("a,b\n1,2\n");
    expect((init.headers as Record<string, string>)["Content-Type"]).toBe("text/csv");
  });

  it("resolves to undefined on 204 and to text when raw", async () => {
    stubFetch(() => new Response(null, { status: 204 }));
    const { api } = await load();
    expect(await api("/api-keys/1", { method: "DELETE" })).toBeUndefined();
    stubFetch(() => new Response("a,b\n"));
    expect(await api("/export", { raw: true })).toBe("a,b\n");
  });

  it("rejects with the API's error code, message and details", async () => {
    stubFetch(() => Response.json(
      { error: { code: "invalid_input", message: "bad file", details: { errors: [{ line: 2, message: "x" }] } } },
      { status: 422 },
    ));
    const { api, ApiError } = await load();
    const error = await api("/x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 422, code: "invalid_input", message: "bad file", details: { errors: [{ line: 2, message: "x" }] } });
  });

  it("gives empty details when the API error has none", async () => {
    stubFetch(() => Response.json({ error: { code: "not_found", message: "no such run" } }, { status: 404 }));
    const { api } = await load();
    await expect(api("/runs/1")).rejects.toMatchObject({ status: 404, code: "not_found", details: {} });
  });

  it("describes a non-JSON error by status, status text and the start of the body", async () => {
    stubFetch(() => new Response(`<html>${"x".repeat(500)}</html>`, { status: 502, statusText: "Bad Gateway" }));
    const { api } = await load();
    const error = (await api("/x").catch((e: unknown) => e)) as { code: string; message: string };
    expect(error.code).toBe("http_error");
    expect(error.message.startsWith("502 Bad Gateway: <html>xxx")).toBe(true);
    expect(error.message).toHaveLength("502 Bad Gateway: ".length + 200);
  });

  it("says there was no body, and treats JSON without an error object as not the API's", async () => {
    stubFetch(() => new Response("", { status: 500, statusText: "Internal Server Error" }));
    const { api } = await load();
    await expect(api("/x")).rejects.toMatchObject({ code: "http_error", message: "500 Internal Server Error: no body" });
    stubFetch(() => Response.json({ detail: "nope" }, { status: 400, statusText: "Bad Request" }));
    await expect(api("/x")).rejects.toMatchObject({ code: "http_error", message: '400 Bad Request: {"detail":"nope"}' });
  });

  it("turns an unreachable server into a network error with status 0", async () => {
    stubFetch(() => Promise.reject(new TypeError("fetch failed")));
    const { api } = await load();
    await expect(api("/me")).rejects.toMatchObject({ status: 0, code: "network_error", message: expect.stringContaining("assay up") });
  });

  it("signs out on 401, keeping the API's reason for the sign-in page", async () => {
    stubFetch(() => Response.json({ error: { code: "unauthorized", message: "token expired" } }, { status: 401 }));
    const { api, auth } = await load();
    auth.setSession({ token: "old", email: "a@b.c", expiresAt: null });
    await expect(api("/me")).rejects.toMatchObject({ status: 401 });
    expect(auth.session()).toBeNull();
    expect(auth.signedOutBecause()).toBe("token expired");
    expect(sessions.getItem("assay.session")).toBeNull();
  });

  it("does not touch the session on a 401 when signed out, nor on a 403", async () => {
    stubFetch(() => Response.json({ error: { code: "unauthorized", message: "sign in" } }, { status: 401 }));
    const { api, auth } = await load();
    const heard = vi.fn();
    auth.onSessionChange(heard);
    await expect(api("/me")).rejects.toMatchObject({ status: 401 });
    expect(heard).not.toHaveBeenCalled();
    auth.setSession({ token: "t", email: null, expiresAt: null });
    stubFetch(() => Response.json({ error: { code: "forbidden", message: "not yours" } }, { status: 403 }));
    await expect(api("/x")).rejects.toMatchObject({ status: 403 });
    expect(auth.session()?.token).toBe("t");
  });

  it("calls the configured API base", async () => {
    const fetch = vi.fn(async (input: RequestInfo | URL) =>
      String(input).endsWith("config.json") ? Response.json({ apiBaseUrl: "https://api.test/" }) : Response.json({}));
    vi.stubGlobal("fetch", fetch);
    const { api } = await load();
    await (await import("../config")).loadConfig();
    await api("/me");
    expect(fetch.mock.calls[1][0]).toBe("https://api.test/v1/me");
  });
});
