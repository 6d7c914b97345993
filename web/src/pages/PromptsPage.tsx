import { Link } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import type { Page, Prompt } from "../api/types";
import { Empty, ErrorBox, Loading } from "../components/States";
import { when } from "../components/format";
import { useNotice } from "../components/useNotice";
import { useTitle } from "../components/useTitle";

export function PromptsPage() {
  const prompts = useQuery({ queryKey: ["prompts"], queryFn: () => api<Page<Prompt>>("/prompts", { query: { limit: 200 } }) });
  const notice = useNotice(); // set by the prompt page after a delete
  useTitle("Prompts");
  return (
    <div className="page">
      <div className="title-row">
        <h1>Prompts</h1>
        <span className="spacer" />
        <Link className="button primary" to="/prompts/new">New prompt</Link>
      </div>
      {notice && <p className="state success" role="status">{notice}</p>}
      {prompts.isPending ? <Loading what="Loading prompts" /> : prompts.error ? <ErrorBox error={prompts.error} /> :
        prompts.data.items.length === 0 ? (
          <Empty title="No prompts yet">Write a template with <code>{"{{variables}}"}</code> from your test set's columns.</Empty>
        ) : (
          <table className="data">
            <thead><tr><th scope="col">Name</th><th scope="col">Version</th><th scope="col">Variables</th><th scope="col">Updated</th></tr></thead>
            <tbody>
              {prompts.data.items.map((p) => (
                <tr key={p.id}>
                  <td><Link to={`/prompts/${p.id}`}>{p.name}</Link></td>
                  <td className="num">v{p.latest_version?.version ?? 0}</td>
                  <td>{p.latest_version?.variables.join(", ")}</td>
                  <td>{when(p.updated_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
    </div>
  );
}
