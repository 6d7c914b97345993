import { Link } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import type { Page, Run } from "../api/types";
import { Empty, ErrorBox, Loading } from "../components/States";
import { int, when } from "../components/format";
import { StatusBadge } from "../runs/StatusBadge";

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
          <table className="data">
            <thead><tr><th scope="col">Run</th><th scope="col">Status</th><th scope="col">Cells</th><th scope="col">Created</th></tr></thead>
            <tbody>
              {runs.data.items.map((r) => (
                <tr key={r.id}>
                  <td><Link to={`/runs/${r.id}`}>{r.name ?? r.id.slice(0, 8)}</Link></td>
                  <td><StatusBadge status={r.status} /></td>
                  <td className="num">{int(r.total_cells)}</td>
                  <td>{when(r.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
    </div>
  );
}

export const FINISHED = new Set(["completed", "failed", "cancelled"]);
