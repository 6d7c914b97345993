import { Link } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import type { Page, Run } from "../api/types";
import { Empty, ErrorBox, Loading } from "../components/States";
import { int, pct, usd, when } from "../components/format";
import { StatusBadge } from "../runs/StatusBadge";
import { modelsText } from "../runs/labels";

export function RunsPage() {
  const runs = useQuery({
    queryKey: ["runs"],
    queryFn: () => api<Page<Run>>("/runs", { query: { limit: 100 } }),
    refetchInterval: (q) => (q.state.data?.items.some((r) => !FINISHED.has(r.status)) ? 2000 : false),
  });
  return (
    <div className="page">
      <div className="title-row">
        <h1>Runs</h1>
        <span className="spacer" />
        <Link className="button primary" to="/runs/new">Launch a run</Link>
      </div>
      {runs.isPending ? <Loading what="Loading runs" /> : runs.error ? <ErrorBox error={runs.error} /> :
        runs.data.items.length === 0 ? (
          <Empty title="No runs yet">
            <p>A run calls every case of a test set with your prompts on the models you pick.</p>
            <p><Link to="/test-sets">1. Add a test set</Link> · <Link to="/prompts/new">2. Write a prompt</Link> · <Link to="/runs/new">3. Launch a run</Link></p>
          </Empty>
        ) : (
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
              {runs.data.items.map((r) => (
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
        )}
    </div>
  );
}

export const FINISHED = new Set(["completed", "failed", "cancelled"]);
