import { describe, expect, it, vi } from "vitest";

async function load() {
  vi.resetModules();
  return import("./config");
}

describe("loadConfig", () => {
  it("keeps same-origin defaults when there is no config.json", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => new Response("not found", { status: 404 })));
    const { loadConfig, config } = await load();
    const expected = { apiBaseUrl: "", supabaseUrl: null, supabaseAnonKey: null };
    expect(await loadConfig()).toEqual(expected);
    expect(config()).toEqual(expected);
  });

  it("keeps the defaults when config.json cannot be fetched or parsed", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => { throw new TypeError("offline"); }));
    expect((await (await load()).loadConfig()).apiBaseUrl).toBe("");
    vi.stubGlobal("fetch", vi.fn(async () => new Response("{oops")));
    expect((await (await load()).loadConfig()).supabaseUrl).toBeNull();
  });

  it("asks for config.json beside the page, never from a cache", async () => {
    const fetch = vi.fn(async () => new Response("", { status: 404 }));
    vi.stubGlobal("fetch", fetch);
    await (await load()).loadConfig();
    expect(fetch).toHaveBeenCalledWith("/config.json", { cache: "no-store" });
  });

  it("trims values, drops trailing slashes and ignores blanks and non-strings", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Response.json({
      apiBaseUrl: "  https://api.test/// ",
      supabaseUrl: "   ",
      supabaseAnonKey: 42,
    })));
    const { loadConfig, config } = await load();
    await loadConfig();
    expect(config()).toEqual({ apiBaseUrl: "https://api.test", supabaseUrl: null, supabaseAnonKey: null });
  });
});
