import { useCallback, useEffect, useMemo, useReducer, useRef } from "react";
import { api } from "../api/client";
import type { Page, Result, Run } from "../api/types";
import { ENDED } from "./progress";
import { columnsOf, cursorAtCase, groupRows, type Row } from "./columns";

export interface Filters {
  status: "" | "failed" | "error" | "passed";
  model: string;
  q: string;
}

/** The API's largest page: every request the grid makes asks for this many cells. */
export const MAX_LIMIT = 500;
let early: { runId: string; at: number; answer: Promise<Page<Result>> } | null = null;

/** Starts fetching a run's first results page; the grid takes it over if it is still fresh. */
export function prefetchFirstPage(runId: string): void {
  early = { runId, at: Date.now(), answer: api<Page<Result>>(`/runs/${runId}/results`, { query: { limit: MAX_LIMIT } }) };
  early.answer.catch(() => undefined); // the grid asks again and shows the error
}

const IN_FLIGHT = new Set(["pending", "leased"]);

/**
 * The run's first results page: the prefetched one if it is still fresh. A prefetch answered while
 * the run was live can be older than a run that has since ended (its counts will never move again
 * to make the grid ask anew), so for an ended run a prefetched page holding cells still in flight
 * is asked for again.
 */
function firstPage(runId: string, ended: boolean): Promise<Page<Result>> {
  const ask = () => api<Page<Result>>(`/runs/${runId}/results`, { query: { limit: MAX_LIMIT } });
  const taken = early;
  early = null;
  if (!taken || taken.runId !== runId || Date.now() - taken.at >= 2000) return ask();
  return ended ? taken.answer.then((page) => (page.items.some((r) => IN_FLIGHT.has(r.state)) ? ask() : page)) : taken.answer;
}

/** Columns of a row fetched together when rows are wide: a screenful or two, not 500. */
export const WIDE_BLOCK = 100;

/**
 * How an unfiltered grid is cut into blocks, one request each.
 * Rows of up to WIDE_BLOCK cells: a block is `perPage` whole rows, MAX_LIMIT cells or fewer.
 * Wider rows: a block is a rectangle of `perPage` rows × WIDE_BLOCK columns (MAX_LIMIT cells),
 * so a screen anywhere in a row of 2,000 cells costs a few requests, not one per row.
 */
export function blockLayout(cellsPerRow: number) {
  const wide = cellsPerRow > WIDE_BLOCK;
  const chunks = wide ? Math.ceil(cellsPerRow / WIDE_BLOCK) : 1;
  const perPage = Math.max(1, Math.floor(MAX_LIMIT / (wide ? WIDE_BLOCK : Math.max(1, cellsPerRow))));
  return {
    wide,
    chunks,
    perPage,
    /** Block ids covering rows first..last and columns firstCol..lastCol. */
    blocks(first: number, last: number, firstCol: number, lastCol: number): string[] {
      const out: string[] = [];
      const p0 = Math.floor(first / perPage), p1 = Math.floor(last / perPage);
      if (!wide) {
        for (let p = p0; p <= p1; p++) out.push(`${p}`);
        return out;
      }
      const c0 = Math.max(0, Math.floor(firstCol / WIDE_BLOCK));
      const c1 = Math.min(chunks - 1, Math.floor(lastCol / WIDE_BLOCK));
      for (let p = p0; p <= p1; p++) for (let c = c0; c <= c1; c++) out.push(`${p}:${c}`);
      return out;
    },
    /** The block holding cell (row, column). */
    blockOf(row: number, column: number): string {
      const p = Math.floor(row / perPage);
      return wide ? `${p}:${Math.floor(column / WIDE_BLOCK)}` : `${p}`;
    },
  };
}

interface Store {
  key: string;
  byRow: Map<number, Row>; // indexed mode: case position -> its row (cells merged from blocks)
  loaded: Set<string>; // indexed mode: blocks fetched at least once
  fresh: Set<string>; // ... and not stale since
  loading: Set<string>;
  /** Moves on each change of the run's counts: an answer asked for before it may be stale. */
  generation: number;
  rows: Row[]; // sequential mode: every row loaded so far
  next: string | null | undefined; // undefined: nothing fetched yet
  error: unknown;
}

function blank(key: string): Store {
  return { key, byRow: new Map(), loaded: new Set(), fresh: new Set(), loading: new Set(), generation: 0, rows: [], next: undefined, error: null };
}

/**
 * Rows of a run's results, fetched by block as the grid asks for them.
 * Unfiltered, row i is case i and any block can be fetched directly; filtered, pages follow each
 * other from the first. While a run is live, blocks on screen are fetched again as counts move.
 */
export function useResultRows(run: Run, filters: Filters) {
  const indexed = !filters.status && !filters.model && !filters.q;
  const all = useMemo(() => columnsOf(run, null), [run.prompts, run.models, run.repeats]);
  const cellsPerRow = all.length;
  const layout = useMemo(() => blockLayout(cellsPerRow), [cellsPerRow]);
  const key = `${run.id}|${filters.status}|${filters.model}|${filters.q}|${cellsPerRow}`;
  const store = useRef<Store>(blank(key));
  const [, bump] = useReducer((n: number) => n + 1, 0);
  if (store.current.key !== key) store.current = blank(key);
  const progress = run.progress ? run.progress.done + run.progress.failed + run.progress.cancelled : 0;
  const ended = ENDED.has(run.status);

  // A live run: what is on screen is stale once the counts move, and once more when the run
  // ends (an answer asked for while every cell was finishing may predate the last counts).
  useEffect(() => {
    const s = store.current;
    s.generation++;
    s.fresh.clear();
    s.error = null; // a live run's pages may fail while cells are in flight: ask again
    if (!indexed && s.next === null) s.next = undefined, s.rows = [];
    bump();
  }, [progress, indexed, ended]);

  const query = useCallback((cursor: string | null, limit: number, span: Record<string, number> = {}) =>
    api<Page<Result>>(`/runs/${run.id}/results`, {
      query: { cursor, limit, status: filters.status || undefined, provider: filters.model || undefined, q: filters.q || undefined, ...span },
    }), [run.id, filters.status, filters.model, filters.q]);

  const fetchBlock = useCallback((block: string) => {
    const s = store.current;
    if (s.loading.has(block) || s.fresh.has(block)) return;
    s.loading.add(block);
    const asked = s.generation;
    bump(); // show the grid busy
    const [page, chunk] = block.split(":").map(Number);
    const start = page * layout.perPage, end = start + layout.perPage;
    const keep = (r: Row) => r.position >= start && r.position < end;
    let request: Promise<Page<Result>>;
    if (!layout.wide) {
      // Always MAX_LIMIT cells: the first page is then the same request whatever the run's shape,
      // so the run page can start it before the run itself has loaded (a partial last case is dropped).
      request = page === 0 ? firstPage(run.id, ended) : query(cursorAtCase(start), MAX_LIMIT);
    } else {
      const rectangle = (from: number) => query(null, MAX_LIMIT, {
        from_case: from, to_case: end - 1, from_column: chunk * WIDE_BLOCK, to_column: (chunk + 1) * WIDE_BLOCK - 1,
      });
      // The first block's first row is in the prefetched first page (its first MAX_LIMIT cells).
      request = page === 0 && chunk === 0
        ? Promise.all([firstPage(run.id, ended), end > 1 ? rectangle(1) : null]).then(([top, rest]) => ({
          items: [...top.items, ...(rest?.items ?? [])], next_cursor: null,
        }))
        : rectangle(start);
    }
    request.then(
      (data) => {
        if (store.current !== s) return;
        for (const r of groupRows(data.items)) {
          if (!keep(r)) continue;
          const had = s.byRow.get(r.position);
          if (had) r.cells.forEach((v, k) => had.cells.set(k, v));
          else s.byRow.set(r.position, r);
        }
        s.loaded.add(block);
        // Asked for before the counts last moved: shown, and asked for again on the next render.
        if (s.generation === asked) s.fresh.add(block);
      },
      (error) => { if (store.current === s) s.error = error; },
    ).finally(() => { s.loading.delete(block); if (store.current === s) bump(); });
  }, [query, layout, run.id, ended]);

  const fetchNext = useCallback(() => {
    const s = store.current;
    if (s.loading.size || s.next === null) return;
    s.loading.add("next");
    const asked = s.generation;
    bump();
    query(s.next ?? null, MAX_LIMIT).then(
      (data) => {
        if (store.current !== s) return;
        const rows = groupRows(data.items);
        const last = s.rows[s.rows.length - 1];
        if (last && rows[0] && rows[0].position === last.position) {
          rows[0].cells.forEach((v, k) => last.cells.set(k, v)); // a case split across two pages
          rows.shift();
        }
        s.rows.push(...rows);
        s.next = data.next_cursor;
        // The counts moved while this last page was on its way: start over, as the counts'
        // own effect does for a list read to its end.
        if (s.next === null && s.generation !== asked) s.next = undefined, s.rows = [];
      },
      (error) => { if (store.current === s) s.error = error; },
    ).finally(() => { s.loading.delete("next"); if (store.current === s) bump(); });
  }, [query]);

  const s = store.current;
  const rowCount = indexed ? Math.ceil(run.total_cells / Math.max(1, cellsPerRow)) : s.rows.length;
  return {
    rowCount,
    loading: s.loading.size > 0,
    done: indexed || s.next === null,
    error: s.error,
    retry: () => { s.error = null; s.fresh.clear(); bump(); },
    row: (i: number): Row | undefined => (indexed ? s.byRow.get(i) : s.rows[i]),
    /** Whether cell (row, column of the unfiltered grid) has been asked for and answered. */
    loaded: (i: number, column: number): boolean => (indexed ? s.loaded.has(layout.blockOf(i, column)) : i < s.rows.length),
    /** Ask for what rows first..last and columns firstCol..lastCol need. */
    ensure: (first: number, last: number, firstCol = 0, lastCol = cellsPerRow - 1) => {
      if (s.error) return;
      if (indexed) {
        for (const block of layout.blocks(first, last, firstCol, lastCol)) fetchBlock(block);
      } else if (s.next !== null && last >= s.rows.length - 30) {
        fetchNext();
      }
    },
  };
}
