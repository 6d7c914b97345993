import { useImperativeHandle, useLayoutEffect, useRef, useState, type KeyboardEvent, type Ref } from "react";
import type { Case, CaseBody } from "../api/types";
import { show } from "../components/format";
import { varFromText } from "./caseApi";
import "./testsets.css";

type Column = { id: string; label: string; kind: "description" | "var" | "assert" };

/** What the page asks of the grid: put focus back on its active cell (after a dialog, a delete…). */
export interface CaseGridHandle {
  /**
   * Focus the active cell (or the nearest one left), or the first cell of the case at `position`;
   * with `onlyIfLost`, only when focus fell to the page or is in the grid already.
   */
  focusActive(options?: { onlyIfLost?: boolean; position?: number }): boolean;
}

interface Edit { row: number; col: number; text: string; saving: boolean; error: string | null }

function valueOf(c: Case, col: Column): string {
  if (col.kind === "description") return c.description ?? "";
  if (col.kind === "var") return show(c.vars[col.label]);
  return c.assert.map((a) => `${a.type}${a.value !== undefined && a.value !== null ? `: ${show(a.value)}` : ""}`).join("; ");
}

function focusLost(table: HTMLElement | null): boolean {
  const active = document.activeElement;
  return !active || active === document.body || Boolean(table?.contains(active));
}

/**
 * Cases as a grid: arrow keys move, Enter or F2 edits a cell in place, Enter on Assertions opens the
 * case, Insert adds a case, Delete removes one. Focus stays on the grid through edits and deletes.
 */
export function CaseGrid({ cases, varNames, onEditCell, onOpen, onDelete, onAdd, ref }: {
  cases: Case[];
  varNames: string[];
  /** Saves an edited cell; resolves once the grid's cases show it, rejects when it was not saved. */
  onEditCell: (c: Case, body: CaseBody) => Promise<unknown>;
  onOpen: (c: Case) => void;
  onDelete: (c: Case) => void;
  onAdd: () => void;
  ref?: Ref<CaseGridHandle>;
}) {
  const columns: Column[] = [
    { id: "description", label: "Description", kind: "description" },
    ...varNames.map((v) => ({ id: `var:${v}`, label: v, kind: "var" as const })),
    { id: "assert", label: "Assertions", kind: "assert" },
  ];
  const [at, setAt] = useState({ row: 0, col: 0 });
  const [edit, setEdit] = useState<Edit | null>(null);
  const table = useRef<HTMLTableElement>(null);
  const pendingFocus = useRef(false);
  const pendingPosition = useRef<number | null>(null);
  // The active cell, moved to the nearest one left when cases or columns went away.
  const row = Math.max(0, Math.min(cases.length - 1, at.row));
  const col = Math.max(0, Math.min(columns.length - 1, at.col));

  function cellAt(r: number, c: number): HTMLElement | null {
    return table.current?.querySelector<HTMLElement>(`[data-cell="${r}:${c}"]`) ?? null;
  }

  // Focus asked for during an event lands after React has drawn the cell (an input may have just left it).
  useLayoutEffect(() => {
    if (pendingPosition.current !== null) {
      const r = cases.findIndex((c) => c.position === pendingPosition.current);
      pendingPosition.current = null;
      if (r >= 0 && r !== row) { setAt({ row: r, col: 0 }); return; } // focused on the next render
    }
    if (!pendingFocus.current) return;
    pendingFocus.current = false;
    cellAt(row, col)?.focus();
  });

  useImperativeHandle(ref, () => ({
    focusActive({ onlyIfLost = false, position } = {}) {
      if (onlyIfLost && !focusLost(table.current)) return false;
      if (position !== undefined) {
        // The case may have just arrived: look for it once the grid has drawn its latest cases.
        pendingPosition.current = position;
        pendingFocus.current = true;
        setAt((a) => ({ ...a }));
        return cases.length > 0;
      }
      const cell = cellAt(row, col);
      cell?.focus();
      return Boolean(cell);
    },
  }));

  function move(r: number, c: number) {
    setAt({
      row: Math.max(0, Math.min(cases.length - 1, r)),
      col: Math.max(0, Math.min(columns.length - 1, c)),
    });
    pendingFocus.current = true;
  }

  function startEdit(r: number, k: number) {
    const c = cases[r];
    if (!c) return;
    setAt({ row: r, col: k });
    if (columns[k].kind === "assert") onOpen(c);
    else setEdit({ row: r, col: k, text: valueOf(c, columns[k]), saving: false, error: null });
  }

  function close(refocus: boolean) {
    setEdit(null);
    if (refocus) pendingFocus.current = true;
  }

  function commit(current: Edit, refocus: boolean) {
    if (current.saving) return;
    const c = cases[current.row];
    const column = columns[current.col];
    if (!c || current.text === valueOf(c, column)) { close(refocus); return; }
    const body: CaseBody = { ...c };
    if (column.kind === "description") body.description = current.text;
    else body.vars = { ...c.vars, [column.label]: varFromText(current.text, c.vars[column.label]) };
    setEdit({ ...current, saving: true, error: null });
    onEditCell(c, body).then(
      () => {
        // Back to the cell, unless the user has gone elsewhere on the page meanwhile.
        setEdit((e) => (e && e.row === current.row && e.col === current.col ? null : e));
        if (focusLost(table.current)) pendingFocus.current = true;
      },
      (error: unknown) => {
        // Keep what was typed in the cell, and say why it was not saved.
        const message = error instanceof Error ? error.message : String(error);
        setEdit((e) => (e && e.row === current.row && e.col === current.col ? { ...e, saving: false, error: message } : e));
      },
    );
  }

  function onKey(e: KeyboardEvent<HTMLTableElement>) {
    if ((e.target as HTMLElement).closest("input, button")) return;
    const moves: Record<string, [number, number]> = {
      ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1],
    };
    const c = cases[row];
    if (moves[e.key]) {
      e.preventDefault();
      move(row + moves[e.key][0], col + moves[e.key][1]);
    } else if (e.key === "Home") { e.preventDefault(); move(e.ctrlKey ? 0 : row, 0); }
    else if (e.key === "End") { e.preventDefault(); move(e.ctrlKey ? cases.length - 1 : row, columns.length - 1); }
    else if (e.key === "PageDown") { e.preventDefault(); move(row + 10, col); }
    else if (e.key === "PageUp") { e.preventDefault(); move(row - 10, col); }
    else if ((e.key === "Enter" || e.key === "F2") && c) {
      e.preventDefault();
      startEdit(row, col);
    } else if ((e.key === "Delete" || e.key === "Backspace") && c) {
      e.preventDefault();
      onDelete(c);
    } else if (e.key === "Insert" || e.key === "+") {
      e.preventDefault();
      onAdd();
    }
  }

  const editing = edit ? cases[edit.row] : undefined;
  return (
    <div className="table-scroll case-grid-scroll">
      <table ref={table} className="data grid case-grid" role="grid" aria-label="Cases" onKeyDown={onKey}
        aria-describedby="case-grid-help" aria-rowcount={cases.length + 1}>
        <thead>
          <tr aria-rowindex={1}>
            <th scope="col">#</th>
            {columns.map((c) => <th key={c.id} scope="col">{c.label}</th>)}
            <th scope="col" className="actions"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {/* Rows are keyed by place, not case id: an edit gives the case a new id, and the
              focused cell must stay the same element through the refresh. */}
          {cases.map((c, r) => (
            <tr key={r} aria-rowindex={r + 2}>
              <th scope="row" className="num">{c.position + 1}</th>
              {columns.map((column, k) => {
                const here = edit && edit.row === r && edit.col === k ? edit : null;
                return (
                  <td key={column.id} role="gridcell" data-cell={`${r}:${k}`}
                    tabIndex={here ? undefined : row === r && col === k ? 0 : -1 /* while editing, the input is the tab stop */}
                    onClick={() => setAt({ row: r, col: k })} onDoubleClick={() => startEdit(r, k)}
                    className={[column.kind === "assert" ? "muted" : "", here ? "editing" : ""].join(" ").trim() || undefined}>
                    {here ? (
                      <>
                        {/* The old text keeps the column's width while the input sits over it. */}
                        <span className="cell-text" aria-hidden="true">{valueOf(c, column) || " "}</span>
                        <input autoFocus aria-label={`${column.label} of case ${c.position + 1}`} value={here.text}
                          readOnly={here.saving} aria-busy={here.saving} aria-invalid={Boolean(here.error)}
                          aria-describedby={here.error ? "case-grid-error" : undefined}
                          onChange={(e) => { const text = e.currentTarget.value; setEdit((x) => (x ? { ...x, text } : x)); }}
                          onKeyDown={(e) => {
                            if (e.key === "Enter") { e.preventDefault(); commit(here, true); }
                            if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); close(true); }
                          }}
                          onBlur={() => commit(here, false)} />
                      </>
                    ) : valueOf(c, column)}
                  </td>
                );
              })}
              <td className="actions">
                <button type="button" tabIndex={-1} onClick={() => { setAt({ row: r, col: columns.length - 1 }); onOpen(c); }}
                  aria-label={`Edit case ${c.position + 1}`}>Edit</button>
                <button type="button" tabIndex={-1} onClick={() => { setAt({ row: r, col }); onDelete(c); }}
                  aria-label={`Delete case ${c.position + 1}`}>Delete</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p id="case-grid-error" className="cell-save-error" role="alert">
        {edit?.error && editing && (
          <>Case {editing.position + 1}, {columns[edit.col]?.label}: not saved ({edit.error}). Your text is still in the
            cell: press Enter to try again or Escape to discard it.</>
        )}
      </p>
      <p id="case-grid-help" className="muted small">
        Arrow keys move between cells. Enter or F2 edits a cell: Enter saves, Escape cancels. Enter on
        Assertions opens the whole case. Insert (or +) adds a case; Delete (or Backspace) removes one.
      </p>
    </div>
  );
}
