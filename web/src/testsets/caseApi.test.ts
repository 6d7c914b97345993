import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Case } from "../api/types";
import { MemoryStorage } from "../testing/memoryStorage";
import { caseBody, casePages, deleteCase, deleteTestSet, renameTestSet, saveCase, varFromText } from "./caseApi";

const existing: Case = {
  id: "case-1",
  position: 0,
  content_hash: "h",
  description: "France",
  vars: { country: "France" },
  assert: [{ type: "contains", value: "Paris" }],
};

function stubFetch() {
  const fetch = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) =>
    Response.json({ version: { version: 2 }, created: true, cases: [] }));
  vi.stubGlobal("fetch", fetch);
  return fetch;
}

beforeEach(() => {
  vi.stubGlobal("localStorage", new MemoryStorage());
  vi.stubGlobal("sessionStorage", new MemoryStorage());
});

describe("caseBody", () => {
  it("turns an empty description into null and fills in threshold and metadata", () => {
    expect(caseBody({ description: "", vars: { a: 1 }, assert: [] })).toEqual({
      description: null, vars: { a: 1 }, assert: [], threshold: null, metadata: {},
    });
  });

  it("keeps only the assertion fields the API accepts", () => {
    const body = caseBody({
      ...existing,
      threshold: 0.5,
      metadata: { tag: "geo" },
      assert: [{ type: "similar", value: "Paris", threshold: 0.8, weight: 2, metric: "m", extra: true } as never],
    });
    expect(body.assert).toEqual([{ type: "similar", value: "Paris", threshold: 0.8, weight: 2, metric: "m" }]);
    expect(body).not.toHaveProperty("id");
    expect(body).not.toHaveProperty("position");
    expect(body.threshold).toBe(0.5);
    expect(body.metadata).toEqual({ tag: "geo" });
  });
});

describe("saveCase and deleteCase", () => {
  it("POSTs a new case to the test set", async () => {
    const fetch = stubFetch();
    await saveCase("ts-1", null, { description: "Peru", vars: { country: "Peru" }, assert: [] });
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe("/v1/test-sets/ts-1/cases");
    expect(init?.method).toBe("POST");
    expect(JSON.parse(String(init?.body))).toEqual({
      description: "Peru", vars: { country: "Peru" }, assert: [], threshold: null, metadata: {},
    });
  });

  it("PUTs an edit to the case, without its id or position in the body", async () => {
    const fetch = stubFetch();
    await saveCase("ts-1", existing, { ...existing, description: "" });
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe("/v1/test-sets/ts-1/cases/case-1");
    expect(init?.method).toBe("PUT");
    const sent = JSON.parse(String(init?.body));
    expect(sent.description).toBeNull();
    expect(sent).not.toHaveProperty("id");
  });

  it("DELETEs a case", async () => {
    const fetch = stubFetch();
    await deleteCase("ts-1", existing);
    expect(fetch.mock.calls[0][0]).toBe("/v1/test-sets/ts-1/cases/case-1");
    expect(fetch.mock.calls[0][1]?.method).toBe("DELETE");
  });
});

describe("renameTestSet and deleteTestSet", () => {
  it("PATCHes the new name", async () => {
    const fetch = stubFetch();
    await renameTestSet("ts-1", "Capitals v2");
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe("/v1/test-sets/ts-1");
    expect(init?.method).toBe("PATCH");
    expect(JSON.parse(String(init?.body))).toEqual({ name: "Capitals v2" });
  });

  it("DELETEs the test set", async () => {
    const fetch = vi.fn(async () => new Response(null, { status: 204 }));
    vi.stubGlobal("fetch", fetch);
    await expect(deleteTestSet("ts-1")).resolves.toBeUndefined();
    expect(fetch.mock.calls[0]).toEqual(["/v1/test-sets/ts-1", expect.objectContaining({ method: "DELETE" })]);
  });
});

describe("casePages", () => {
  it("asks the server for every case, or only those matching a search, each under its own key", async () => {
    const fetch = stubFetch();
    const plain = casePages("ts-1", "");
    const search = casePages("ts-1", "tokyo lima");
    expect(plain.queryKey).toEqual(["test-set", "ts-1", "cases"]);
    // Under the test set's key, so a saved case refreshes the search too.
    expect(search.queryKey.slice(0, 2)).toEqual(plain.queryKey.slice(0, 2));
    expect(search.queryKey).not.toEqual(plain.queryKey);
    await plain.queryFn({ pageParam: null });
    await search.queryFn({ pageParam: "c2" });
    const urls = fetch.mock.calls.map(([input]) => new URL(String(input), "http://x"));
    expect(urls[0].pathname).toBe("/v1/test-sets/ts-1/cases");
    expect(urls[0].searchParams.has("q")).toBe(false);
    expect(urls[1].searchParams.get("q")).toBe("tokyo lima");
    expect(urls[1].searchParams.get("cursor")).toBe("c2");
    expect(search.getNextPageParam({ items: [], next_cursor: "c3", version: {} as never })).toBe("c3");
  });
});

describe("varFromText", () => {
  it("keeps a value whose text was not changed, whatever its type", () => {
    for (const value of [7, false, [1, 2], { a: 1 }, null, "text"]) {
      expect(varFromText(value === null ? "" : typeof value === "string" ? value : JSON.stringify(value), value)).toBe(value);
    }
  });

  it("keeps a number, true/false, list or object one when the new text reads as JSON", () => {
    expect(varFromText("43", 7)).toBe(43);
    expect(varFromText("true", false)).toBe(true);
    expect(varFromText("[1, 2, 3]", [1, 2])).toEqual([1, 2, 3]);
    expect(varFromText('{"b": 2}', { a: 1 })).toEqual({ b: 2 });
  });

  it("keeps text as text: strings, new variables, and typing that is not JSON", () => {
    expect(varFromText("43", "7")).toBe("43");
    expect(varFromText("false", undefined)).toBe("false");
    expect(varFromText("forty-three", 7)).toBe("forty-three");
    expect(varFromText("", 7)).toBe("");
  });
});
