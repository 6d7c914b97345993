// The grid's shape: one row per case, one column per prompt × model (× repeat when repeated).

import type { Result, Run } from "../api/types";

export interface Column {
  key: string;
  prompt: string;
  model: string;
  repeat: number;
  /** The run's own positions: a column's place in the results' keyset order. */
  promptPosition: number;
  modelPosition: number;
}

export function columnKey(prompt: string, model: string, repeat: number): string {
  return `${prompt}\u0000${model}\u0000${repeat}`;
}

/** Columns in the order the API returns cells: prompt, then model, then repeat. */
export function columnsOf(run: Pick<Run, "prompts" | "models" | "repeats">, model: string | null): Column[] {
  const out: Column[] = [];
  const prompts = [...run.prompts].sort((a, b) => a.position - b.position);
  const models = [...run.models].sort((a, b) => a.position - b.position);
  for (const p of prompts) {
    for (const m of models) {
      if (model && m.label !== model) continue;
      for (let r = 0; r < run.repeats; r++) {
        out.push({ key: columnKey(p.label, m.label, r), prompt: p.label, model: m.label, repeat: r, promptPosition: p.position, modelPosition: m.position });
      }
    }
  }
  return out;
}

export interface Row {
  position: number;
  vars: Record<string, unknown>;
  description: string | null;
  cells: Map<string, Result>;
}

/** Cells in (case, prompt, model, repeat) order grouped into rows by case. */
export function groupRows(cells: Result[]): Row[] {
  const rows: Row[] = [];
  for (const cell of cells) {
    let row = rows[rows.length - 1];
    if (!row || row.position !== cell.case_position) {
      row = { position: cell.case_position, vars: cell.vars, description: cell.description, cells: new Map() };
      rows.push(row);
    }
    row.cells.set(columnKey(cell.prompt_label, cell.provider, cell.repeat), cell);
  }
  return rows;
}

const BIG = 2147483647;

function cursorOf(key: [number, number, number, number]): string {
  return btoa(JSON.stringify(key)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}

/** A results cursor that starts at case `position`.
 *
 * The API's cursors are keyset positions (case, prompt, model, repeat); jumping straight to any
 * case lets the grid fetch only the pages on screen, even at the bottom of a 100,000-cell run.
 */
export function cursorAtCase(position: number): string | null {
  if (position <= 0) return null;
  return cursorOf([position - 1, BIG, BIG, BIG]);
}

