import { useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import type { Model, Page } from "../api/types";
import { ErrorBox } from "../components/States";
import { when } from "../components/format";
import { modelId } from "./launchForm";

const listModels = (q: string) => api<Page<Model>>("/models", { query: { q: q || undefined, limit: 100 } });
const CUSTOM_PROBLEM_ID = "custom-model-problem";

/** A model as the catalog knows it (with its prices), else `fallback`: a model with no prices. */
export function priced(fallback: Model): Promise<Model> {
  if (fallback.source === "local") return Promise.resolve(fallback);
  return api<Page<Model>>("/models", { query: { q: fallback.id.replace(/^openrouter:/, ""), limit: 20 } })
    .then((page) => page.items.find((m) => m.id === fallback.id) ?? fallback, () => fallback);
}

function perMillion(price: number | null): string {
  return price === null ? "—" : `$${(price * 1_000_000).toFixed(2)}`;
}

/** Search the catalog (local models and cached OpenRouter models) and tick the ones to call. */
export function ModelPicker({ selected, onChange }: { selected: Model[]; onChange: (m: Model[]) => void }) {
  const [q, setQ] = useState("");
  const [custom, setCustom] = useState("");
  const [customProblem, setCustomProblem] = useState("");
  const models = useQuery({ queryKey: ["models", q], queryFn: () => listModels(q) });
  // The unfiltered list always holds every local: model, whatever the search box says.
  const everything = useQuery({ queryKey: ["models", ""], queryFn: () => listModels("") });
  const localIds = everything.data ? everything.data.items.filter((m) => m.source === "local").map((m) => m.id) : null;
  const refresh = useMutation({ mutationFn: () => api<{ models: number }>("/models/refresh", { method: "POST" }) });
  const ids = new Set(selected.map((m) => m.id));
  const toggle = (m: Model) => onChange(ids.has(m.id) ? selected.filter((x) => x.id !== m.id) : [...selected, m]);
  const cached = models.data?.items.filter((m) => m.source === "openrouter") ?? [];
  const refreshedAt = cached.map((m) => m.refreshed_at).find(Boolean);
  async function addCustom() {
    if (!custom.trim()) return;
    const checked = modelId(custom, localIds);
    if (!checked.ok) { setCustomProblem(checked.problem); return; }
    const id = checked.value;
    setCustom("");
    setCustomProblem("");
    if (ids.has(id)) return;
    const local = everything.data?.items.find((m) => m.id === id);
    // A model the catalog knows comes with its prices, so the estimate can count it.
    onChange([...selected, local ?? await priced({ id, source: "openrouter", name: null, context_length: null, prompt_price: null, completion_price: null })]);
  }
  return (
    <fieldset>
      <legend>Models</legend>
      <label>Search models<input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="gpt, claude, local…" /></label>
      {models.error && <ErrorBox error={models.error} />}
      <div className="inline-form catalog-status">
        <span className="muted small" data-testid="catalog-status">
          {models.isPending ? "Loading the catalog…" : cached.length === 0 && !q
            ? "No OpenRouter models cached yet: refresh the catalog to pick them with their prices."
            : refreshedAt ? `OpenRouter catalog from ${when(refreshedAt)}` : ""}
        </span>
        <button type="button" disabled={refresh.isPending} onClick={() => refresh.mutate()}>
          {refresh.isPending ? "Refreshing…" : "Refresh from OpenRouter"}
        </button>
        {refresh.data && <span className="small" role="status">{refresh.data.models.toLocaleString()} models cached</span>}
      </div>
      {refresh.error && <ErrorBox error={refresh.error} title="Could not refresh the catalog" />}
      <div className="table-scroll short">
        <table className="data">
          <thead><tr><th scope="col"><span className="sr-only">Use</span></th><th scope="col">Model</th><th scope="col">Context</th><th scope="col">Input / 1M</th><th scope="col">Output / 1M</th></tr></thead>
          <tbody>
            {models.data?.items.map((m) => (
              <tr key={m.id}>
                <td><input type="checkbox" id={`model-${m.id}`} checked={ids.has(m.id)} onChange={() => toggle(m)} /></td>
                <td><label htmlFor={`model-${m.id}`}>{m.id}</label>{m.name && <span className="muted"> {m.name}</span>}</td>
                <td className="num">{m.context_length?.toLocaleString() ?? "—"}</td>
                <td className="num">{perMillion(m.prompt_price)}</td>
                <td className="num">{perMillion(m.completion_price)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="inline-form">
        <label>Add a model by id<input value={custom} placeholder="openai/gpt-4o-mini"
          aria-invalid={Boolean(customProblem)} aria-describedby={customProblem ? CUSTOM_PROBLEM_ID : undefined}
          onChange={(e) => { setCustom(e.target.value); setCustomProblem(""); }}
          onKeyDown={(e) => { if (e.key === "Enter") { e.preventDefault(); void addCustom(); } }} /></label>
        <button type="button" onClick={() => void addCustom()}>Add model</button>
      </div>
      {customProblem && <p className="field-problem" id={CUSTOM_PROBLEM_ID} role="alert">{customProblem}</p>}
      <p aria-live="polite">
        Selected: {selected.length === 0 ? <span className="muted">none</span> : selected.map((m) => (
          <button type="button" key={m.id} className="chip" onClick={() => toggle(m)} aria-label={`Remove ${m.id}`}>{m.id} ✕</button>
        ))}
      </p>
    </fieldset>
  );
}
