import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import type { ApiKey } from "../api/types";
import { useMe } from "../auth/AuthGate";
import { Empty, ErrorBox, Loading } from "../components/States";
import { when } from "../components/format";

export function SettingsPage() {
  const me = useMe();
  const queries = useQueryClient();
  const keys = useQuery({ queryKey: ["api-keys"], queryFn: () => api<{ items: ApiKey[] }>("/api-keys") });
  const [name, setName] = useState("");
  const create = useMutation({
    mutationFn: () => api<ApiKey>("/api-keys", { method: "POST", json: { name } }),
    onSuccess: () => { setName(""); queries.invalidateQueries({ queryKey: ["api-keys"] }); },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api<ApiKey>(`/api-keys/${id}`, { method: "DELETE" }),
    onSuccess: () => queries.invalidateQueries({ queryKey: ["api-keys"] }),
  });
  const submit = (e: FormEvent) => { e.preventDefault(); create.mutate(); };
  const workspace = me?.workspaces.find((w) => w.id === me.workspace_id);
  return (
    <div className="page">
      <h1>Settings</h1>
      <section className="panel">
        <h2>Account</h2>
        <p>{me?.actor === "local" ? "Local single-user mode: no sign-in needed." : `Signed in as user ${me?.user_id}`}</p>
        <p>Workspace: <strong>{workspace?.name ?? me?.workspace_id}</strong> ({workspace?.role})</p>
      </section>
      <section className="panel" aria-labelledby="keys-title">
        <h2 id="keys-title">API keys</h2>
        <p className="muted">Programs (CI pipelines, notebooks) call the API with <code>Authorization: Bearer ak_…</code>. A key is shown once.</p>
        <form className="inline-form" onSubmit={submit} aria-label="New API key">
          <label>Key name<input required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} placeholder="CI pipeline" /></label>
          <button type="submit" className="primary" disabled={create.isPending}>Create key</button>
        </form>
        {create.data?.key && (
          <div className="state success" role="status">
            <strong>Copy this key now; it will not be shown again.</strong>
            <pre className="secret" data-testid="new-key">{create.data.key}</pre>
          </div>
        )}
        {(create.error || revoke.error) && <ErrorBox error={create.error ?? revoke.error} />}
        {keys.isPending ? <Loading what="Loading keys" /> : keys.error ? <ErrorBox error={keys.error} /> :
          keys.data.items.length === 0 ? <Empty title="No API keys" /> : (
            <table className="data">
              <thead><tr><th scope="col">Name</th><th scope="col">Prefix</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">State</th></tr></thead>
              <tbody>
                {keys.data.items.map((k) => (
                  <tr key={k.id}>
                    <td>{k.name}</td><td><code>{k.prefix}</code></td><td>{when(k.created_at)}</td><td>{when(k.last_used_at)}</td>
                    <td>{k.revoked_at ? `revoked ${when(k.revoked_at)}` : (
                      <button type="button" className="danger" onClick={() => window.confirm(`Revoke ${k.name}?`) && revoke.mutate(k.id)}>Revoke</button>
                    )}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
      </section>
    </div>
  );
}
