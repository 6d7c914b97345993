import { useEffect } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import type { Page, Run } from "../api/types";
import { ErrorBox, Loading } from "../components/States";
import { download } from "../components/download";
import { when } from "../components/format";
import { ProgressPanel } from "../runs/ProgressPanel";
import { ResultsGrid } from "../runs/ResultsGrid";
import { RunCharts } from "../runs/RunCharts";
import { StatusBadge } from "../runs/StatusBadge";
import { SummaryTable } from "../runs/SummaryTable";
import { prefetchFirstPage } from "../runs/useResultRows";
import { FINISHED } from "./RunsPage";

export function RunPage() {
  const { id = "" } = useParams();
  // The first results page does not depend on the run's shape: ask for both at once.
  useEffect(() => prefetchFirstPage(id), [id]);
  const run = useQuery({
    queryKey: ["run", id],
    queryFn: () => api<Run>(`/runs/${id}`),
    // Live progress: poll the counts in Postgres until the run has finished.
    refetchInterval: (q) => (q.state.data && FINISHED.has(q.state.data.status) ? false : 1000),
  });
  if (run.isPending) return <Loading what="Loading the run" />;
  if (run.error) return <div className="page"><ErrorBox error={run.error} /></div>;
  const r = run.data;
  const name = r.name ?? r.id.slice(0, 8);
  return (
    <div className="page wide">
      <p className="crumbs"><Link to="/runs">Runs</Link> /</p>
      <div className="title-row">
        <h1>{name}</h1>
        <StatusBadge status={r.status} />
        <span className="muted">{r.total_cells.toLocaleString()} cells · started {when(r.started_at ?? r.created_at)}</span>
        <span className="spacer" />
        <ExportMenu run={r} name={name} />
        <CompareWith run={r} />
      </div>
      <ProgressPanel run={r} />
      {r.summary && r.summary.length > 0 && (
        <section aria-labelledby="summary-title">
          <h2 id="summary-title">Summary</h2>
          <SummaryTable rows={r.summary} />
          <RunCharts rows={r.summary} runId={r.id} version={(r.progress?.done ?? 0) + (r.progress?.failed ?? 0)} />
        </section>
      )}
      <ResultsGrid run={r} />
    </div>
  );
}

function ExportMenu({ run, name }: { run: Run; name: string }) {
  return (
    <label>
      <span className="sr-only">Export results</span>
      <select value="" onChange={(e) => {
        const ext = { csv: "csv", jsonl: "jsonl", junit: "xml" }[e.target.value];
        if (ext) download(`/runs/${run.id}/export`, { format: e.target.value }, `${name}.${ext}`);
      }}>
        <option value="">Export…</option>
        <option value="csv">CSV</option>
        <option value="jsonl">JSONL</option>
        <option value="junit">JUnit XML</option>
      </select>
    </label>
  );
}

function CompareWith({ run }: { run: Run }) {
  const navigate = useNavigate();
  const runs = useQuery({ queryKey: ["runs"], queryFn: () => api<Page<Run>>("/runs", { query: { limit: 100 } }) });
  const others = (runs.data?.items ?? []).filter((o) => o.id !== run.id);
  if (others.length === 0) return null;
  return (
    <label>
      Compare with
      <select aria-label="Compare with" value="" onChange={(e) => e.target.value && navigate(`/runs/${run.id}/compare?base=${e.target.value}`)}>
        <option value="">choose a run…</option>
        {others.map((o) => <option key={o.id} value={o.id}>{o.name ?? o.id.slice(0, 8)} · {when(o.created_at)}</option>)}
      </select>
    </label>
  );
}
