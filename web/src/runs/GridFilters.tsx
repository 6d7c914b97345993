import { useEffect, useState } from "react";
import type { Run } from "../api/types";
import type { Filters } from "./useResultRows";

/** Failed only, errors, a model, text search; the search waits for typing to pause. */
export function GridFilters({ run, filters, onChange }: { run: Run; filters: Filters; onChange: (f: Filters) => void }) {
  const [q, setQ] = useState(filters.q);
  useEffect(() => {
    const t = window.setTimeout(() => q !== filters.q && onChange({ ...filters, q }), 300);
    return () => window.clearTimeout(t);
  }, [q]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <div className="toolbar filters" role="search" aria-label="Filter results">
      <label>Show
        <select aria-label="Show" value={filters.status} onChange={(e) => onChange({ ...filters, status: e.target.value as Filters["status"] })}>
          <option value="">all results</option>
          <option value="failed">failed checks only</option>
          <option value="error">errors only</option>
          <option value="passed">passed only</option>
        </select>
      </label>
      <label>Model
        <select aria-label="Model" value={filters.model} onChange={(e) => onChange({ ...filters, model: e.target.value })}>
          <option value="">every model</option>
          {run.models.map((m) => <option key={m.label} value={m.label}>{m.label}</option>)}
        </select>
      </label>
      <label>Search outputs<input type="search" value={q} maxLength={500} onChange={(e) => setQ(e.target.value)} placeholder="text in the output" /></label>
    </div>
  );
}
