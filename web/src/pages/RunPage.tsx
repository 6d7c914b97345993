import { useEffect } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { api, ApiError } from "../api/client";
import type { Page, Run } from "../api/types";
import { ErrorBox, ErrorPage, Loading } from "../components/States";
import { useDownload } from "../components/download";
import { plural, when } from "../components/format";
import { ProgressPanel } from "../runs/ProgressPanel";
import { ResultsGrid } from "../runs/ResultsGrid";
import { RunCharts } from "../runs/RunCharts";
import { StatusBadge } from "../runs/StatusBadge";
import { SummaryTable } from "../runs/SummaryTable";
import { pollEvery } from "../runs/progress";
import { prefetchFirstPage } from "../runs/useResultRows";
import { useTitle } from "../components/useTitle";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const refused = (e: unknown) => e instanceof ApiError && e.status >= 400 && e.status < 500;

export function RunPage() {
  const { id = "" } = useParams();
  // The first results page does not depend on the run's shape: ask for both at once (an
  // address that is no run id gets one answer, the run's refusal, not two).
  useEffect(() => { if (UUID.test(id)) prefetchFirstPage(id); }, [id]);
  const run = useQuery({
    queryKey: ["run", id],
    queryFn: () => api<Run>(`/runs/${id}`),
    // Live progress: poll the counts in Postgres until the run has finished, or the API
    // has said there is no such run.
    refetchInterval: (q) => pollEvery(q.state.data?.status, q.state.error),
  });
  const exporter = useDownload();
  useTitle(run.data ? run.data.name ?? run.data.id.slice(0, 8) : null, "Runs");
  if (run.isPending) return <Loading what="Loading the run" />;
  if (run.error && (!run.data || refused(run.error))) {
    return <ErrorPage error={run.error} back={{ to: "/runs", label: "All runs" }} onRetry={refused(run.error) ? undefined : () => run.refetch()} />;
  }
  const r = run.data;
  if (!r) return null;
  const name = r.name ?? r.id.slice(0, 8);
  return (
    <div className="page wide">
      <p className="crumbs"><Link to="/runs">Runs</Link> /</p>
      <div className="title-row">
        <h1>{name}</h1>
        <StatusBadge status={r.status} />
        <span className="muted">{plural(r.total_cells, "cell")} · started {when(r.started_at ?? r.created_at)}</span>
        <span className="spacer" />
        <ExportMenu run={r} name={name} start={exporter.start} busy={exporter.busy} />
        <CompareWith run={r} />
        <Link className="button" to={`/runs/new?from=${r.id}`}>Run again</Link>
      </div>
      {exporter.error ? <ErrorBox error={exporter.error} title="The export failed" onDismiss={exporter.clear} /> : null}
      {run.error ? (
        <p className="state warn-box" role="status">
          Lost contact with the API: the figures below may be out of date. Trying again every few seconds…
        </p>
      ) : null}
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

const FORMATS: Record<string, string> = { csv: "csv", jsonl: "jsonl", junit: "xml" };

function ExportMenu({ run, name, start, busy }: {
  run: Run;
  name: string;
  start: (path: string, query: { format: string }, filename: string) => void;
  busy: string | null;
}) {
  return (
    <span className="export">
      <label>
        <span className="sr-only">Export results</span>
        <select value="" disabled={busy !== null} onChange={(e) => {
          const ext = FORMATS[e.target.value];
          if (ext) start(`/runs/${run.id}/export`, { format: e.target.value }, `${name}.${ext}`);
        }}>
          <option value="">Export…</option>
          <option value="csv">CSV</option>
          <option value="jsonl">JSONL</option>
          <option value="junit">JUnit XML</option>
        </select>
      </label>
      <span className="muted small" role="status">{busy ? `Preparing ${busy}…` : ""}</span>
    </span>
  );
}

function CompareWith({ run }: { run: Run }) {
  const navigate = useNavigate();
  // Runs of the same test set first (any version, however old), then the newest of the rest.
  const same = useQuery({
    queryKey: ["runs", "of-test-set", run.test_set_id],
    queryFn: () => api<Page<Run>>("/runs", { query: { limit: 100, test_set_id: run.test_set_id ?? undefined } }),
    enabled: Boolean(run.test_set_id),
  });
  const recent = useQuery({ queryKey: ["runs"], queryFn: () => api<Page<Run>>("/runs", { query: { limit: 100 } }) });
  const siblings = (same.data?.items ?? []).filter((o) => o.id !== run.id);
  const taken = new Set([run.id, ...siblings.map((o) => o.id)]);
  const others = (recent.data?.items ?? []).filter((o) => !taken.has(o.id));
  if (siblings.length + others.length === 0) return null;
  const option = (o: Run) => <option key={o.id} value={o.id}>{o.name ?? o.id.slice(0, 8)} · {when(o.created_at)}</option>;
  return (
    <label>
      Compare with
      <select aria-label="Compare with" value="" onChange={(e) => e.target.value && navigate(`/runs/${run.id}/compare?base=${e.target.value}`)}>
        <option value="">choose a run…</option>
        {siblings.length > 0 && <optgroup label={`Runs of ${run.test_set_name ?? "this test set"}`}>{siblings.map(option)}</optgroup>}
        {others.length > 0 && <optgroup label={siblings.length > 0 ? "Other runs" : "Runs"}>{others.map(option)}</optgroup>}
      </select>
    </label>
  );
}
