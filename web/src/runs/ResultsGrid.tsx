import { useEffect, useMemo, useRef, useState, useSyncExternalStore, type KeyboardEvent } from "react";
import { useSearchParams } from "react-router-dom";
import { useVirtualizer } from "@tanstack/react-virtual";
import type { Result, Run } from "../api/types";
import { ErrorBox } from "../components/States";
import { show } from "../components/format";
import { CellView } from "./CellView";
import { GridFilters } from "./GridFilters";
import { ResultCell } from "./ResultCell";
import { columnsOf } from "./columns";
import { useResultRows, type Filters } from "./useResultRows";

const ROW_HEIGHT = 112;
const STATUSES: Filters["status"][] = ["failed", "error", "passed"];

/** The grid's filters from the address; a value this run cannot have is no filter. */
export function filtersOf(status: string, model: string, q: string, run: Pick<Run, "models">): Filters {
  return {
    status: (STATUSES as string[]).includes(status) ? (status as Filters["status"]) : "",
    model: run.models.some((m) => m.label === model) ? model : "",
    q: q.slice(0, 500),
  };
}

const headerName = (c: { model: string; prompt: string; repeat: number }, repeats: number) =>
  `${c.model} · ${c.prompt}${repeats > 1 ? ` · repeat ${c.repeat + 1}` : ""}`;
// On a phone the case column gives up room to the results; cells stay readable.
const PHONE = "(max-width: 600px)";
const subscribe = (notify: () => void) => {
  const query = window.matchMedia(PHONE);
  query.addEventListener("change", notify);
  return () => query.removeEventListener("change", notify);
};
const useNarrow = () => useSyncExternalStore(subscribe, () => window.matchMedia(PHONE).matches, () => false);

/**
 * One row per case, one column per prompt × model; rows and columns are virtualised and cells
 * fetched by block, so only what is on screen is drawn or asked for, however large the run.
 */
export function ResultsGrid({ run }: { run: Run }) {
  const narrow = useNarrow();
  const caseWidth = narrow ? 110 : 220;
  const cellWidth = narrow ? 240 : 300;
  // Filters live in the address (?show=failed&model=…&q=…): a reload or a shared link keeps them.
  const [params, setParams] = useSearchParams();
  const [statusParam, model, q] = [params.get("show") ?? "", params.get("model") ?? "", params.get("q") ?? ""];
  const filters = useMemo(() => filtersOf(statusParam, model, q, run), [statusParam, model, q, run.models]);
  const setFilters = (f: Filters) => setParams((p) => {
    const next = new URLSearchParams(p);
    for (const [key, value] of [["show", f.status], ["model", f.model], ["q", f.q]] as const) {
      if (value) next.set(key, value); else next.delete(key);
    }
    return next;
  }, { replace: true });
  const columns = columnsOf(run, filters.model || null);
  const data = useResultRows(run, filters);
  const scroller = useRef<HTMLDivElement>(null);
  const [at, setAt] = useState({ row: 0, col: 0 });
  const [open, setOpen] = useState<{ row: number; col: number } | null>(null);
  // The cell on show stays while a neighbouring row it steps to is still loading.
  const lastOpen = useRef<Result | null>(null);
  const rows = useVirtualizer({ count: data.rowCount, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 6 });
  const cols = useVirtualizer({
    horizontal: true, count: columns.length, getScrollElement: () => scroller.current, estimateSize: () => cellWidth,
    overscan: 2, paddingStart: caseWidth,
  });
  useEffect(() => cols.measure(), [narrow]); // column widths change with the viewport
  const items = rows.getVirtualItems();
  const colItems = cols.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  const firstCol = colItems[0]?.index ?? 0;
  const lastCol = colItems[colItems.length - 1]?.index ?? 0;
  // While the user is flinging through the grid, fetch only where the scroll comes to rest.
  useEffect(() => {
    const t = window.setTimeout(() => data.ensure(first, last, firstCol, lastCol), rows.isScrolling || cols.isScrolling ? 120 : 0);
    return () => window.clearTimeout(t);
  });
  useEffect(() => { setAt({ row: 0, col: 0 }); setOpen(null); }, [filters]);

  function onKey(e: KeyboardEvent<HTMLDivElement>) {
    const page = Math.max(1, last - first - 1);
    const moves: Record<string, [number, number]> = {
      ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1], PageUp: [-page, 0], PageDown: [page, 0],
    };
    if (e.key === "Enter") {
      const cell = data.row(at.row)?.cells.get(columns[at.col]?.key ?? "");
      if (cell) { e.preventDefault(); setOpen({ ...at }); }
      return;
    }
    let move = moves[e.key];
    if (e.key === "Home") move = e.ctrlKey ? [-at.row, -at.col] : [0, -at.col];
    if (e.key === "End") move = e.ctrlKey ? [data.rowCount, 0] : [0, columns.length];
    if (!move) return;
    e.preventDefault();
    const row = Math.max(0, Math.min(data.rowCount - 1, at.row + move[0]));
    const col = Math.max(0, Math.min(columns.length - 1, at.col + move[1]));
    setAt({ row, col });
    rows.scrollToIndex(row, { align: "auto" });
    cols.scrollToIndex(col, { align: "auto" });
  }

  const openCell = open ? data.row(open.row)?.cells.get(columns[open.col]?.key ?? "") : undefined;
  if (openCell) lastOpen.current = openCell;
  const shown = openCell ?? lastOpen.current;
  /** The cell view steps through cells in reading order: along the row, then the next row. */
  function step(d: 1 | -1) {
    if (!open) return;
    let { row, col } = open;
    col += d;
    if (col < 0) { row -= 1; col = columns.length - 1; } else if (col >= columns.length) { row += 1; col = 0; }
    if (row < 0 || row >= data.rowCount) return;
    setOpen({ row, col });
    setAt({ row, col });
    rows.scrollToIndex(row, { align: "auto" });
    cols.scrollToIndex(col, { align: "auto" });
  }

  const width = cols.getTotalSize();
  const lead = (colItems[0]?.start ?? caseWidth) - caseWidth; // columns scrolled out on the left
  const activeId = `cell-${at.row}-${at.col}`;
  const described = `${columns.length.toLocaleString()} column${columns.length === 1 ? "" : "s"}`;
  return (
    <section aria-labelledby="results-title">
      <h2 id="results-title">Results</h2>
      <GridFilters run={run} filters={filters} onChange={setFilters} />
      {data.error ? <ErrorBox error={data.error} title="Could not load results" /> : null}
      {data.error ? <button type="button" onClick={data.retry}>Retry</button> : null}
      <p className="muted small" aria-live="polite">
        {data.done ? `${data.rowCount.toLocaleString()} ${filters.status || filters.model || filters.q ? "matching " : ""}case${data.rowCount === 1 ? "" : "s"}` : `${data.rowCount.toLocaleString()} matching case${data.rowCount === 1 ? "" : "s"} so far…`}
        {" × "}{described}{" · "}arrow keys move, Enter opens a cell
      </p>
      <div ref={scroller} className="results-scroll" role="grid" aria-label="Results" aria-rowcount={data.rowCount + 1}
        aria-colcount={columns.length + 1} aria-busy={data.loading} tabIndex={0} onKeyDown={onKey} aria-activedescendant={data.rowCount ? activeId : undefined}>
        <div className="results-head" role="row" aria-rowindex={1} style={{ width }}>
          <div role="columnheader" aria-colindex={1} className="case-col" style={{ width: caseWidth }}>Case</div>
          {lead > 0 && <div className="col-gap" aria-hidden="true" style={{ width: lead }} />}
          {colItems.map((vc) => {
            const c = columns[vc.index];
            return (
              <div key={c.key} role="columnheader" aria-colindex={vc.index + 2} data-col={vc.index} style={{ width: cellWidth }} title={headerName(c, run.repeats)} aria-label={headerName(c, run.repeats)}>
                <strong className="col-model">{c.model.replace(/^openrouter:/, "")}</strong>
                <span className="muted small col-sub">{c.prompt}{run.repeats > 1 ? ` · repeat ${c.repeat + 1}` : ""}</span>
              </div>
            );
          })}
        </div>
        {data.rowCount === 0 && data.done && !data.error && <p className="state empty">No results match these filters.</p>}
        <div style={{ height: rows.getTotalSize(), width, position: "relative" }}>
          {items.map((v) => {
            const row = data.row(v.index);
            return (
              <div key={v.key} role="row" aria-rowindex={v.index + 2} className="results-row"
                style={{ transform: `translateY(${v.start}px)`, height: ROW_HEIGHT, width }}>
                <div role="rowheader" aria-colindex={1} className="case-col" style={{ width: caseWidth }}>
                  {row ? (
                    <>
                      <strong>#{row.position + 1}</strong> {row.description}
                      <div className="muted small vars">{Object.entries(row.vars).map(([k, val]) => `${k}: ${show(val)}`).join(" · ")}</div>
                    </>
                  ) : <span className="skeleton" aria-hidden="true" />}
                </div>
                {lead > 0 && <div className="col-gap" aria-hidden="true" style={{ width: lead }} />}
                {colItems.map((vc) => {
                  const i = vc.index;
                  const c = columns[i];
                  const cell = row?.cells.get(c.key);
                  const active = at.row === v.index && at.col === i;
                  return (
                    <div key={c.key} id={`cell-${v.index}-${i}`} role="gridcell" aria-colindex={i + 2} aria-selected={active}
                      data-col={i} className={active ? "result active" : "result"} style={{ width: cellWidth }}
                      onClick={() => setAt({ row: v.index, col: i })} onDoubleClick={() => cell && setOpen({ row: v.index, col: i })}>
                      {row && (cell || data.loaded(v.index, i)) ? <ResultCell cell={cell} /> : <span className="skeleton" aria-hidden="true" />}
                    </div>
                  );
                })}
              </div>
            );
          })}
        </div>
      </div>
      {open && shown && (
        <CellView cell={shown} run={run} onClose={() => { setOpen(null); scroller.current?.focus(); }}
          onPrev={open.row > 0 || open.col > 0 ? () => step(-1) : undefined}
          onNext={open.row < data.rowCount - 1 || open.col < columns.length - 1 ? () => step(1) : undefined} />
      )}
    </section>
  );
}
