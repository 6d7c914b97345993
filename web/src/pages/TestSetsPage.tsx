import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router-dom";
import { useMutation, useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import type { Page, TestSet } from "../api/types";
import { Empty, ErrorBox, Loading } from "../components/States";
import { when } from "../components/format";
import { useNotice } from "../components/useNotice";
import { useTitle } from "../components/useTitle";

export function TestSetsPage() {
  const sets = useQuery({ queryKey: ["test-sets"], queryFn: () => api<Page<TestSet>>("/test-sets", { query: { limit: 200 } }) });
  const notice = useNotice(); // set by the test set page after a delete
  useTitle("Test sets");
  return (
    <div className="page">
      <h1>Test sets</h1>
      {notice && <p className="state success" role="status">{notice}</p>}
      <NewTestSet />
      {sets.isPending ? <Loading what="Loading test sets" /> : sets.error ? <ErrorBox error={sets.error} /> :
        sets.data.items.length === 0 ? (
          <Empty title="No test sets yet">Create one above, then import a CSV or add cases by hand.</Empty>
        ) : (
          <table className="data">
            <thead>
              <tr><th scope="col">Name</th><th scope="col">Cases</th><th scope="col">Version</th><th scope="col">Last run</th></tr>
            </thead>
            <tbody>
              {sets.data.items.map((s) => (
                <tr key={s.id}>
                  <td><Link to={`/test-sets/${s.id}`}>{s.name}</Link></td>
                  <td className="num">{s.case_count}</td>
                  <td className="num">v{s.latest_version?.version ?? 0}</td>
                  <td>{s.last_run_id ? <Link to={`/runs/${s.last_run_id}`}>{when(s.last_run_at)}</Link> : <span className="muted">never</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
    </div>
  );
}

function NewTestSet() {
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const create = useMutation({
    mutationFn: () => api<TestSet>("/test-sets", { method: "POST", json: { name } }),
    onSuccess: (set) => navigate(`/test-sets/${set.id}`),
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate();
  }
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Create a test set">
      <label>
        New test set
        <input value={name} required maxLength={200} placeholder="Name" onChange={(e) => setName(e.target.value)} />
      </label>
      <button type="submit" className="primary" disabled={create.isPending}>Create</button>
      {create.error && <ErrorBox error={create.error} title="Could not create the test set" />}
    </form>
  );
}
