import { useRef, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import type { ApiKey } from "../api/types";
import { useMe } from "../auth/AuthGate";
import { session } from "../auth/session";
import { Empty, ErrorBox, Loading } from "../components/States";
import { when } from "../components/format";
import { useTitle } from "../components/useTitle";

export function SettingsPage() {
  const me = useMe();
  const queries = useQueryClient();
  useTitle("Settings");
  const keys = useQuery({ queryKey: ["api-keys"], queryFn: () => api<{ items: ApiKey[] }>("/api-keys") });
  const [name, setName] = useState("");
  const create = useMutation({
    mutationFn: () => api<ApiKey>("/api-keys", { method: "POST", json: { name } }),
    onSuccess: () => { setName(""); queries.invalidateQueries({ queryKey: ["api-keys"] }); },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api<ApiKey>(`/api-keys/${id}`, { method: "DELETE" }),
    onSuccess: (_, id) => {
      if (id === create.data?.id) create.reset(); // a revoked key is no use to copy
      queries.invalidateQueries({ queryKey: ["api-keys"] });
    },
  });
  const submit = (e: FormEvent) => { e.preventDefault(); create.mutate(); };
  const workspace = me?.workspaces.find((w) => w.id === me.workspace_id);
  // The key just made, until it is hidden or revoked (from here or another tab).
  const made = create.data;
  const fresh = made?.key && !keys.data?.items.some((k) => k.id === made.id && k.revoked_at) ? made : null;
  const who = me?.actor === "local" ? "Local single-user mode: no sign-in needed."
    : me?.actor === "api_key" ? "Signed in with an API key."
    : `Signed in as ${session()?.email ?? `user ${me?.user_id}`}.`;
  return (
    <div className="page">
      <h1>Settings</h1>
      <section className="panel" aria-labelledby="account-title">
        <h2 id="account-title">Account</h2>
        <p>{who}</p>
        <p>Workspace: <strong>{workspace?.name ?? me?.workspace_id}</strong>{workspace && ` (${workspace.role})`}</p>
      </section>
      <section className="panel" aria-labelledby="models-title">
        <h2 id="models-title">Model access</h2>
        <p>
          The server's OpenRouter key:{" "}
          <strong data-testid="openrouter-key" className={me?.openrouter_key === "missing" ? "warn" : undefined}>
            {me?.openrouter_key === "configured" ? "configured" : me?.openrouter_key === "missing" ? "not configured" : "unknown"}
          </strong>
        </p>
        <p className="muted">
          Runs call OpenRouter with the key the server was started with (<code>OPENROUTER_API_KEY</code>, or its secret on AWS); the browser never sees it.
          Without one, only the offline <code>local:</code> models answer.
          {me?.openrouter_key === "missing" && <> To call <code>openrouter:</code> models, set <code>OPENROUTER_API_KEY</code> and restart <code>assay up</code> (on AWS, put the key in the stack's OpenRouter API key secret).</>}
        </p>
      </section>
      <section className="panel" aria-labelledby="keys-title">
        <h2 id="keys-title">API keys</h2>
        <p className="muted">Programs (CI pipelines, notebooks) call the API with <code>Authorization: Bearer ak_…</code>. A key is shown once.</p>
        <form className="inline-form" onSubmit={submit} aria-label="New API key">
          <label>Key name<input required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} placeholder="CI pipeline" /></label>
          <button type="submit" className="primary" disabled={create.isPending}>Create key</button>
        </form>
        {fresh?.key && <NewKey key={fresh.id} name={fresh.name} secret={fresh.key} onDone={() => create.reset()} />}
        {(create.error || revoke.error) && <ErrorBox error={create.error ?? revoke.error} />}
        {keys.isPending ? <Loading what="Loading keys" /> : keys.error ? <ErrorBox error={keys.error} /> :
          keys.data.items.length === 0 ? <Empty title="No API keys" /> : (
            <div className="table-scroll" role="region" aria-label="API keys table" tabIndex={0}>
              <table className="data" aria-label="API keys">
                <thead><tr><th scope="col">Name</th><th scope="col">Prefix</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">State</th></tr></thead>
                <tbody>
                  {keys.data.items.map((k) => (
                    <tr key={k.id}>
                      <td><span className="name">{k.name}</span></td><td><code>{k.prefix}</code></td><td>{when(k.created_at)}</td><td>{when(k.last_used_at)}</td>
                      <td>{k.revoked_at ? `revoked ${when(k.revoked_at)}` : (
                        <button type="button" className="danger" disabled={revoke.isPending && revoke.variables === k.id}
                          onClick={() => window.confirm(`Revoke the key “${k.name}” (ak_${k.prefix}…)? Programs using it will be refused at once.`) && revoke.mutate(k.id)}>
                          Revoke<span className="sr-only"> {k.name} (ak_{k.prefix}…)</span>
                        </button>
                      )}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
      </section>
    </div>
  );
}

/** The key just created, once: a copy button (the clipboard, else the text selected for Ctrl+C). */
function NewKey({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  const text = useRef<HTMLPreElement>(null);
  const [copied, setCopied] = useState<"" | "copied" | "selected">("");
  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("copied");
    } catch {
      // No clipboard access (an insecure origin, a refused permission): select it for the user.
      const range = document.createRange();
      if (text.current) range.selectNodeContents(text.current);
      const selection = window.getSelection();
      selection?.removeAllRanges();
      selection?.addRange(range);
      setCopied("selected");
    }
  }
  return (
    <div className="state success new-key" role="status">
      <strong>Copy the key “{name}” now; it will not be shown again.</strong>
      <pre className="secret" data-testid="new-key" ref={text}>{secret}</pre>
      <div className="actions">
        <button type="button" onClick={copy}>Copy key</button>
        <button type="button" className="link" onClick={onDone}>I have saved it; hide it</button>
        <span aria-live="polite" className="copy-status">
          {copied === "copied" ? "Copied to the clipboard." : copied === "selected" ? "Selected: press Ctrl+C (⌘C on a Mac) to copy." : ""}
        </span>
      </div>
    </div>
  );
}
