import { useRef, useState, type KeyboardEvent } from "react";
import type { Case, CaseBody } from "../api/types";
import { show } from "../components/format";

type Column = { id: string; label: string; kind: "description" | "var" | "assert" };

/** Cases as a grid: arrow keys move, Enter or F2 edits a cell in place, Delete removes the case. */
export function CaseGrid({ cases, varNames, onEditCell, onOpen, onDelete }: {
  cases: Case[];
  varNames: string[];
  onEditCell: (c: Case, body: CaseBody) => void;
  onOpen: (c: Case) => void;
  onDelete: (c: Case) => void;
}) {
  const columns: Column[] = [
    { id: "description", label: "Description", kind: "description" },
    ...varNames.map((v) => ({ id: `var:${v}`, label: v, kind: "var" as const })),
    { id: "assert", label: "Assertions", kind: "assert" },
  ];
  const [at, setAt] = useState({ row: 0, col: 0 });
  const [editing, setEditing] = useState<string | null>(null);
  const table = useRef<HTMLTableElement>(null);

  function focus(row: number, col: number) {
    const r = Math.max(0, Math.min(cases.length - 1, row));
    const c = Math.max(0, Math.min(columns.length - 1, col));
    setAt({ row: r, col: c });
    table.current?.querySelector<HTMLElement>(`[data-cell="${r}:${c}"]`)?.focus();
  }

  function valueOf(c: Case, col: Column): string {
    if (col.kind === "description") return c.description ?? "";
    if (col.kind === "var") return show(c.vars[col.label]);
    return c.assert.map((a) => `${a.type}${a.value !== undefined && a.value !== null ? `: ${show(a.value)}` : ""}`).join("; ");
  }

  function commit(c: Case, col: Column, text: string) {
    setEditing(null);
    if (text === valueOf(c, col)) return;
    const body: CaseBody = { ...c };
    if (col.kind === "description") body.description = text;
    else body.vars = { ...c.vars, [col.label]: text };
    onEditCell(c, body);
  }

  function onKey(e: KeyboardEvent<HTMLTableElement>) {
    if (editing) return;
    const moves: Record<string, [number, number]> = {
      ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1],
    };
    const c = cases[at.row];
    if (moves[e.key]) {
      e.preventDefault();
      focus(at.row + moves[e.key][0], at.col + moves[e.key][1]);
    } else if (e.key === "Home") { e.preventDefault(); focus(at.row, 0); }
    else if (e.key === "End") { e.preventDefault(); focus(at.row, columns.length - 1); }
    else if ((e.key === "Enter" || e.key === "F2") && c) {
      e.preventDefault();
      if (columns[at.col].kind === "assert") onOpen(c);
      else setEditing(`${at.row}:${at.col}`);
    } else if (e.key === "Delete" && c) {
      e.preventDefault();
      onDelete(c);
    }
  }

  return (
    <div className="table-scroll">
      <table ref={table} className="data grid" role="grid" aria-label="Cases" onKeyDown={onKey}
        aria-describedby="case-grid-help">
        <thead>
          <tr><th scope="col">#</th>{columns.map((c) => <th key={c.id} scope="col">{c.label}</th>)}<th scope="col"><span className="sr-only">Actions</span></th></tr>
        </thead>
        <tbody>
          {cases.map((c, r) => (
            <tr key={c.id} aria-rowindex={r + 2}>
              <th scope="row" className="num">{c.position + 1}</th>
              {columns.map((col, k) => {
                const key = `${r}:${k}`;
                return (
                  <td key={col.id} role="gridcell" data-cell={key} tabIndex={at.row === r && at.col === k ? 0 : -1}
                    onClick={() => setAt({ row: r, col: k })} onDoubleClick={() => (col.kind === "assert" ? onOpen(c) : setEditing(key))}
                    className={col.kind === "assert" ? "muted" : undefined}>
                    {editing === key ? (
                      <input autoFocus aria-label={`${col.label} of case ${c.position + 1}`} defaultValue={valueOf(c, col)}
                        onKeyDown={(e) => {
                          if (e.key === "Enter") commit(c, col, e.currentTarget.value);
                          if (e.key === "Escape") { setEditing(null); focus(r, k); }
                        }}
                        onBlur={(e) => commit(c, col, e.currentTarget.value)} />
                    ) : valueOf(c, col)}
                  </td>
                );
              })}
              <td className="actions">
                <button type="button" tabIndex={-1} onClick={() => onOpen(c)} aria-label={`Edit case ${c.position + 1}`}>Edit</button>
                <button type="button" tabIndex={-1} onClick={() => onDelete(c)} aria-label={`Delete case ${c.position + 1}`}>Delete</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p id="case-grid-help" className="muted small">Arrow keys move between cells; Enter edits, Escape cancels, Delete removes the case.</p>
    </div>
  );
}
