import { describe, expect, it } from "vitest";
import type { Result } from "../api/types";
import { columnKey, columnsOf, cursorAtCase, groupRows } from "./columns";
import { blockLayout, MAX_LIMIT, WIDE_BLOCK } from "./useResultRows";

function decode(cursor: string | null): unknown {
  if (cursor === null) return null;
  const b64 = cursor.replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)));
}

const run = {
  // deliberately out of order: columns follow positions, as the API's keyset does
  prompts: [{ position: 1, label: "p1", prompt_version_id: null }, { position: 0, label: "p0", prompt_version_id: null }],
  models: [{ position: 0, label: "m0", id: "m0", params: {} }, { position: 1, label: "m1", id: "m1", params: {} }],
  repeats: 2,
};

function result(c: number, p: string, m: string, r: number): Result {
  return {
    cell_id: `${c}${p}${m}${r}`, case_position: c, description: null, vars: { c }, prompt_label: p, provider: m, repeat: r,
    state: "done", output: "x", error: null, passed: true, score: 1, grading: null, latency_ms: 1, prompt_tokens: 1,
    completion_tokens: 1, cost: 0, cached: false,
  };
}

describe("columnsOf", () => {
  it("orders columns prompt, then model, then repeat, by position", () => {
    const cols = columnsOf(run, null);
    expect(cols.map((c) => `${c.prompt}/${c.model}/${c.repeat}`)).toEqual([
      "p0/m0/0", "p0/m0/1", "p0/m1/0", "p0/m1/1", "p1/m0/0", "p1/m0/1", "p1/m1/0", "p1/m1/1",
    ]);
    expect(cols[5]).toMatchObject({ promptPosition: 1, modelPosition: 0, repeat: 1 });
  });

  it("keeps only one model's columns when filtered", () => {
    expect(columnsOf(run, "m1").map((c) => c.key)).toEqual([
      columnKey("p0", "m1", 0), columnKey("p0", "m1", 1), columnKey("p1", "m1", 0), columnKey("p1", "m1", 1),
    ]);
    expect(columnsOf(run, "nobody")).toEqual([]);
  });
});

describe("cursors", () => {
  it("starts at a case: none for the first, just after the previous case's last cell otherwise", () => {
    expect(cursorAtCase(0)).toBeNull();
    expect(decode(cursorAtCase(7))).toEqual([6, 2147483647, 2147483647, 2147483647]);
  });

  it("is URL-safe base64 without padding", () => {
    const cursor = cursorAtCase(123456)!;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});

describe("groupRows", () => {
  it("groups consecutive cells by case and keys them by column", () => {
    const rows = groupRows([result(0, "p0", "m0", 0), result(0, "p0", "m1", 0), result(2, "p0", "m0", 1)]);
    expect(rows.map((r) => r.position)).toEqual([0, 2]);
    expect([...rows[0].cells.keys()]).toEqual([columnKey("p0", "m0", 0), columnKey("p0", "m1", 0)]);
    expect(rows[1].cells.get(columnKey("p0", "m0", 1))?.cell_id).toBe("2p0m01");
    expect(groupRows([])).toEqual([]);
  });
});

describe("blockLayout", () => {
  it("packs whole rows into one 500-cell block when a row is narrow", () => {
    const layout = blockLayout(10);
    expect(layout).toMatchObject({ wide: false, chunks: 1, perPage: MAX_LIMIT / 10 });
    expect(layout.blocks(0, 49, 0, 9)).toEqual(["0"]);
    expect(layout.blocks(45, 55, 0, 9)).toEqual(["0", "1"]);
    expect(layout.blockOf(50, 3)).toBe("1");
  });

  it("keeps a row of exactly WIDE_BLOCK cells whole, and cuts one of WIDE_BLOCK + 1 in two", () => {
    expect(blockLayout(WIDE_BLOCK)).toMatchObject({ wide: false, chunks: 1, perPage: MAX_LIMIT / WIDE_BLOCK });
    expect(blockLayout(WIDE_BLOCK + 1)).toMatchObject({ wide: true, chunks: 2, perPage: MAX_LIMIT / WIDE_BLOCK });
  });

  it("cuts wide rows into rectangles of MAX_LIMIT cells and asks only for those on screen", () => {
    const layout = blockLayout(2000); // 20 column blocks; 5 rows a rectangle
    const rows = MAX_LIMIT / WIDE_BLOCK;
    expect(layout.chunks).toBe(2000 / WIDE_BLOCK);
    expect(layout.blocks(2, 3, WIDE_BLOCK - 2, WIDE_BLOCK + 2)).toEqual(["0:0", "0:1"]);
    expect(layout.blocks(rows - 1, rows, 0, 5)).toEqual(["0:0", "1:0"]);
    expect(layout.blocks(0, 0, 1995, 1999)).toEqual([`0:${layout.chunks - 1}`]);
    expect(layout.blocks(0, 0, 1995, 99999)).toEqual([`0:${layout.chunks - 1}`]); // never past the last block
    expect(layout.blockOf(9, 3 * WIDE_BLOCK + 7)).toBe("1:3");
    // a screen of 34 rows at the far corner: 7 requests, not 34
    expect(layout.blocks(9966, 9999, 1990, 1999)).toHaveLength(7);
  });

  it("treats a run with no columns as one row per cell of a page", () => {
    expect(blockLayout(0)).toMatchObject({ chunks: 1, perPage: MAX_LIMIT });
  });
});
