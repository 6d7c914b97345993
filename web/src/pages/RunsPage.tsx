import { useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import type { Page, Run, TestSet } from "../api/types";
import { Empty, ErrorBox, Loading } from "../components/States";
import { int, pct, usd, when } from "../components/format";
import { useDebounced } from "../components/useDebounced";
import { StatusBadge } from "../runs/StatusBadge";
import { modelsText } from "../runs/labels";
import { RUN_STATUSES, runFilters } from "../runs/runFilters";
import { useTitle } from "../components/useTitle";

const PAGE = 50;

export function RunsPage() {
  // Filters live in the address: a filtered list can be shared, and Back returns to it.
  const [params, setParams] = useSearchParams();
  useTitle("Runs");
  // A status or test set the API would refuse (typed, or cut short) means no filter.
  const { status, testSet, dropped } = runFilters(params);
  const [typed, setTyped] = useState(params.get("q") ?? "");
  const q = useDebounced(typed.trim(), 300);
  const filtered = Boolean(status || testSet || q);
  const set = (key: string, value: string) => setParams((p) => {
    const next = new URLSearchParams(p);
    if (value) next.set(key, value); else next.delete(key);
    return next;
  }, { replace: true });
  useEffect(() => { if ((params.get("q") ?? "") !== q) set("q", q); }, [q]); // eslint-disable-line react-hooks/exhaustive-deps
  const droppedKeys = dropped.join(",");
  useEffect(() => {
    if (!droppedKeys) return;
    setParams((p) => {
      const next = new URLSearchParams(p);
      droppedKeys.split(",").forEach((key) => next.delete(key));
      return next;
    }, { replace: true });
  }, [droppedKeys]); // eslint-disable-line react-hooks/exhaustive-deps

  const sets = useQuery({ queryKey: ["test-sets"], queryFn: () => api<Page<TestSet>>("/test-sets", { query: { limit: 200 } }) });
  const runs = useInfiniteQuery({
    queryKey: ["runs", "list", status, testSet, q],
    queryFn: ({ pageParam }) => api<Page<Run>>("/runs", {
      query: { limit: PAGE, cursor: pageParam, status: status || undefined, test_set_id: testSet || undefined, q: q || undefined },
    }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.pages.some((p) => p.items.some((r) => !FINISHED.has(r.status))) ? 2000 : false),
  });
  const items = runs.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="page">
      <div className="title-row">
        <h1>Runs</h1>
        <span className="spacer" />
        <Link className="button primary" to="/runs/new">Launch a run</Link>
      </div>
      <div className="toolbar filters" role="search" aria-label="Filter runs">
        <label>Status
          <select value={status} onChange={(e) => set("status", e.target.value)}>
            <option value="">any status</option>
            {RUN_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label>Test set
          <select value={testSet} onChange={(e) => set("test_set", e.target.value)}>
            <option value="">any test set</option>
            {testSet && !(sets.data?.items ?? []).some((s) => s.id === testSet) && <option value={testSet}>{sets.data ? "a test set not listed" : "the chosen test set"}</option>}
            {(sets.data?.items ?? []).map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </label>
        <label>Name<input type="search" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="words in the name" /></label>
        <p className="muted" role="status">
          {filtered && runs.data && !runs.isPlaceholderData
            ? `${int(items.length)}${runs.hasNextPage ? "+" : ""} ${items.length === 1 && !runs.hasNextPage ? "run matches" : "runs match"}`
            : ""}
        </p>
      </div>
      {runs.isPending ? <Loading what="Loading runs" /> : runs.error && !runs.data ? <ErrorBox error={runs.error} onRetry={() => runs.refetch()} /> :
        items.length === 0 && filtered ? (
          <Empty title="No run matches">
            <p>No run has {[status && `status ${status}`, testSet && "that test set", q && `“${q}” in its name`].filter(Boolean).join(", ")}.</p>
            <p><button type="button" onClick={() => { setTyped(""); setParams({}, { replace: true }); }}>Show every run</button></p>
          </Empty>
        ) : items.length === 0 ? (
          <Empty title="No runs yet">
            <p>A run calls every case of a test set with your prompts on the models you pick.</p>
            <p><Link to="/test-sets">1. Add a test set</Link> · <Link to="/prompts/new">2. Write a prompt</Link> · <Link to="/runs/new">3. Launch a run</Link></p>
          </Empty>
        ) : (
          <>
          <div className="table-scroll" role="region" aria-label="Runs table" tabIndex={0}>
          <table className="data" aria-label="Runs, newest first">
            <thead>
              <tr>
                <th scope="col">Run</th><th scope="col">Status</th><th scope="col">Test set</th><th scope="col">Models</th>
                <th scope="col" className="num">Cells</th><th scope="col" className="num">Pass rate</th>
                <th scope="col" className="num">Cost</th><th scope="col">Created</th><th scope="col"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id}>
                  <td><Link to={`/runs/${r.id}`}>{r.name ?? r.id.slice(0, 8)}</Link></td>
                  <td><StatusBadge status={r.status} /></td>
                  <td>{r.test_set_id ? <Link to={`/test-sets/${r.test_set_id}`}>{r.test_set_name} <span className="muted">v{r.test_set_version}</span></Link> : <span className="muted">deleted</span>}</td>
                  <td title={(r.model_labels ?? []).join("\n")}>{modelsText(r.model_labels ?? [])}</td>
                  <td className="num">{int(r.total_cells)}</td>
                  <td className="num">{r.overview ? pct(r.overview.pass_rate) : "—"}</td>
                  <td className="num">{r.overview ? usd(r.overview.cost) : "—"}</td>
                  <td>{when(r.created_at)}</td>
                  <td><Link to={`/runs/new?from=${r.id}`} aria-label={`Run again: ${r.name ?? r.id.slice(0, 8)}`}>Run again</Link></td>
                </tr>
              ))}
            </tbody>
          </table>
          </div>
          {runs.hasNextPage && (
            <button type="button" onClick={() => runs.fetchNextPage()} disabled={runs.isFetchingNextPage}>
              {runs.isFetchingNextPage ? "Loading more runs…" : "Load more runs"}
            </button>
          )}
          </>
        )}
    </div>
  );
}

export const FINISHED = new Set(["completed", "failed", "cancelled"]);
