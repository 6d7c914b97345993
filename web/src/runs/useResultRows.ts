import { useCallback, useEffect, useReducer, useRef } from "react";
import { api } from "../api/client";
import type { Page, Result, Run } from "../api/types";
import { cursorAtCase, groupRows, type Row } from "./columns";

export interface Filters {
  status: "" | "failed" | "error" | "passed";
  model: string;
  q: string;
}

const MAX_LIMIT = 500;
let early: { runId: string; at: number; answer: Promise<Page<Result>> } | null = null;

/** Starts fetching a run's first results page; the grid takes it over if it is still fresh. */
export function prefetchFirstPage(runId: string): void {
  early = { runId, at: Date.now(), answer: api<Page<Result>>(`/runs/${runId}/results`, { query: { limit: MAX_LIMIT } }) };
  early.answer.catch(() => undefined); // the grid asks again and shows the error
}

function firstPage(runId: string): Promise<Page<Result>> {
  const taken = early;
  early = null;
  if (taken && taken.runId === runId && Date.now() - taken.at < 2000) return taken.answer;
  return api<Page<Result>>(`/runs/${runId}/results`, { query: { limit: MAX_LIMIT } });
}

interface Store {
  key: string;
  pages: Map<number, Row[]>; // indexed mode: page number -> its rows
  fresh: Set<number>;
  loading: Set<number>;
  rows: Row[]; // sequential mode: every row loaded so far
  next: string | null | undefined; // undefined: nothing fetched yet
  error: unknown;
}

function blank(key: string): Store {
  return { key, pages: new Map(), fresh: new Set(), loading: new Set(), rows: [], next: undefined, error: null };
}

/**
 * Rows of a run's results, fetched by page as the grid asks for them.
 * Unfiltered, row i is case i and any page can be fetched directly; filtered, pages follow each
 * other from the first. While a run is live, pages on screen are fetched again as counts move.
 */
export function useResultRows(run: Run, filters: Filters, cellsPerRow: number) {
  const indexed = !filters.status && !filters.model && !filters.q;
  const perPage = Math.max(1, Math.floor(MAX_LIMIT / Math.max(1, cellsPerRow)));
  const key = `${run.id}|${filters.status}|${filters.model}|${filters.q}|${cellsPerRow}`;
  const store = useRef<Store>(blank(key));
  const [, bump] = useReducer((n: number) => n + 1, 0);
  if (store.current.key !== key) store.current = blank(key);
  const progress = run.progress ? run.progress.done + run.progress.failed + run.progress.cancelled : 0;

  // A live run: what is on screen is stale once the counts move.
  useEffect(() => {
    const s = store.current;
    s.fresh.clear();
    s.error = null; // a live run's pages may fail while cells are in flight: ask again
    if (!indexed && s.next === null) s.next = undefined, s.rows = [];
    bump();
  }, [progress, indexed]);

  const query = useCallback((cursor: string | null, limit: number) =>
    api<Page<Result>>(`/runs/${run.id}/results`, {
      query: { cursor, limit, status: filters.status || undefined, provider: filters.model || undefined, q: filters.q || undefined },
    }), [run.id, filters.status, filters.model, filters.q]);

  const fetchPage = useCallback((page: number) => {
    const s = store.current;
    if (s.loading.has(page) || s.fresh.has(page)) return;
    s.loading.add(page);
    // Always MAX_LIMIT cells: the first page is then the same request whatever the run's shape,
    // so the run page can start it before the run itself has loaded (a partial last case is dropped).
    const request = page === 0 ? firstPage(run.id) : query(cursorAtCase(page * perPage), MAX_LIMIT);
    request.then(
      (data) => {
        if (store.current !== s) return;
        s.pages.set(page, groupRows(data.items).filter((r) => r.position < (page + 1) * perPage));
        s.fresh.add(page);
      },
      (error) => { if (store.current === s) s.error = error; },
    ).finally(() => { s.loading.delete(page); if (store.current === s) bump(); });
  }, [query, perPage, run.id]);

  const fetchNext = useCallback(() => {
    const s = store.current;
    if (s.loading.size || s.next === null) return;
    s.loading.add(0);
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
      },
      (error) => { if (store.current === s) s.error = error; },
    ).finally(() => { s.loading.delete(0); if (store.current === s) bump(); });
  }, [query]);

  const s = store.current;
  const rowCount = indexed ? Math.ceil(run.total_cells / Math.max(1, cellsPerRow)) : s.rows.length;
  return {
    rowCount,
    loading: s.loading.size > 0,
    done: indexed || s.next === null,
    error: s.error,
    retry: () => { s.error = null; s.fresh.clear(); bump(); },
    row: (i: number): Row | undefined => {
      if (!indexed) return s.rows[i];
      const rows = s.pages.get(Math.floor(i / perPage));
      return rows?.find((r) => r.position === i);
    },
    /** Ask for what rows first..last need. */
    ensure: (first: number, last: number) => {
      if (s.error) return;
      if (indexed) {
        for (let p = Math.floor(first / perPage); p <= Math.floor(last / perPage); p++) fetchPage(p);
      } else if (s.next !== null && last >= s.rows.length - 30) {
        fetchNext();
      }
    },
  };
}
