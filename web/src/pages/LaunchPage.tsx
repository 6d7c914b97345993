import { useEffect, useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import { useMutation, useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import { useMe } from "../auth/AuthGate";
import type { Model, Page, Prompt, PromptVersion, Run, TestSet, Version } from "../api/types";
import { ErrorBox, ErrorPage, Loading } from "../components/States";
import { int, plural, usd } from "../components/format";
import { ModelPicker, priced } from "../runs/ModelPicker";
import { estimate } from "../runs/estimate";
import { blockedByMissingKey } from "../runs/openrouterKey";
import { CONCURRENCY, REPEATS, wholeNumber } from "../runs/launchForm";
import { useTitle } from "../components/useTitle";

const num = (s: string) => (s.trim() === "" ? null : Number(s));

export function LaunchPage() {
  const [params] = useSearchParams();
  useTitle("Launch a run");
  const navigate = useNavigate();
  const me = useMe();
  const sets = useQuery({ queryKey: ["test-sets"], queryFn: () => api<Page<TestSet>>("/test-sets", { query: { limit: 200 } }) });
  const prompts = useQuery({ queryKey: ["prompts"], queryFn: () => api<Page<Prompt>>("/prompts", { query: { limit: 200 } }) });
  const [setId, setSetId] = useState(params.get("test_set") ?? "");
  const [versionId, setVersionId] = useState("");
  const [promptIds, setPromptIds] = useState<string[]>(params.get("prompt_version") ? [params.get("prompt_version")!] : []);
  const [models, setModels] = useState<Model[]>([]);
  const [name, setName] = useState("");
  const [temperature, setTemperature] = useState("");
  const [maxTokens, setMaxTokens] = useState("");
  // As typed: a box may be empty while a number is being typed; checked below, not snapped back.
  const [repeatsText, setRepeatsText] = useState("1");
  const [concurrencyText, setConcurrencyText] = useState("10");
  const repeatsChecked = wholeNumber("Repeats", repeatsText, REPEATS);
  const concurrencyChecked = wholeNumber("Concurrency", concurrencyText, CONCURRENCY);
  const repeats = repeatsChecked.ok ? repeatsChecked.value : 0;
  const concurrency = concurrencyChecked.ok ? concurrencyChecked.value : 0;
  const numberProblems = [repeatsChecked, concurrencyChecked].flatMap((c) => (c.ok ? [] : [c.problem]));
  const [useCache, setUseCache] = useState(true);
  // "Run again": ?from=<run id> fills the form with that run's choices.
  const from = params.get("from");
  const source = useQuery({ queryKey: ["run", from], queryFn: () => api<Run>(`/runs/${from}`), enabled: Boolean(from) });
  const [labels, setLabels] = useState<Record<string, string>>({});
  const [filled, setFilled] = useState(false);
  useEffect(() => {
    const run = source.data;
    if (!run || filled) return;
    setFilled(true);
    if (run.test_set_id) setSetId(run.test_set_id);
    if (run.test_set_version_id) setVersionId(run.test_set_version_id);
    const versions = run.prompts.filter((p) => p.prompt_version_id);
    setPromptIds(versions.map((p) => p.prompt_version_id!));
    setLabels(Object.fromEntries(versions.map((p) => [p.prompt_version_id!, p.label])));
    const picked: Model[] = run.models.map((m) => ({ id: m.id, source: m.id.startsWith("local:") ? "local" : "openrouter",
      name: m.label === m.id ? null : m.label, context_length: null, prompt_price: null, completion_price: null }));
    setModels(picked);
    // Their catalog entries, so the estimate has prices.
    void Promise.all(picked.map(priced)).then(setModels);
    const params0 = run.models[0]?.params ?? {};
    if (typeof params0.temperature === "number") setTemperature(String(params0.temperature));
    if (typeof params0.max_tokens === "number") setMaxTokens(String(params0.max_tokens));
    setRepeatsText(String(run.repeats));
    setConcurrencyText(String(run.concurrency));
    setName(run.name ? `${run.name} (again)` : "");
  }, [source.data, filled]);
  const chosenSet = setId || sets.data?.items[0]?.id || "";
  const versions = useQuery({
    queryKey: ["test-set", chosenSet, "versions"],
    queryFn: () => api<Page<Version>>(`/test-sets/${chosenSet}/versions`, { query: { limit: 100 } }),
    enabled: Boolean(chosenSet),
  });
  const version = versions.data?.items.find((v) => v.id === versionId) ?? versions.data?.items[0];
  const chosenPrompts = (prompts.data?.items ?? []).filter((p) => p.latest_version && promptIds.includes(p.latest_version.id));
  const chars = chosenPrompts.reduce((n, p) => n + JSON.stringify(p.latest_version!.body).length, 0) / Math.max(1, chosenPrompts.length);
  const togglePrompt = (id: string, label: string, on: boolean) => {
    setLabels((l) => ({ ...l, [id]: label }));
    setPromptIds((ids) => (on ? [...ids.filter((x) => x !== id), id] : ids.filter((x) => x !== id)));
  };
  const latestIds = new Set((prompts.data?.items ?? []).map((p) => p.latest_version?.id));
  const { calls, cost, unpriced, outTokens } = estimate({ cases: version?.case_count ?? 0, prompts: promptIds.length, models, repeats, promptChars: chars + 40, maxTokens: num(maxTokens) });
  const launch = useMutation({
    mutationFn: () => api<Run>("/runs", {
      method: "POST",
      json: {
        name: name || undefined,
        test_set_version_id: version?.id,
        prompt_version_ids: promptIds,
        models: models.map((m) => ({ id: m.id, params: { temperature: num(temperature) ?? undefined, max_tokens: num(maxTokens) ?? undefined } })),
        repeats,
        concurrency,
        use_cache: useCache,
      },
    }),
    onSuccess: (run) => navigate(`/runs/${run.id}`),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (numberProblems.length === 0) launch.mutate();
  };

  if (sets.isPending || prompts.isPending) return <Loading what="Loading test sets and prompts" />;
  if (sets.error || prompts.error) return <ErrorPage error={sets.error ?? prompts.error} back={{ to: "/runs", label: "Go to the runs" }} />;
  const ready = Boolean(version && promptIds.length && models.length);
  // Every call to these would fail: the server has no OpenRouter key.
  const blocked = blockedByMissingKey(me, models);
  return (
    <form className="page" onSubmit={submit} aria-label="Launch a run">
      <h1>Launch a run</h1>
      {sets.data.items.length === 0 && <p className="warn">You need a test set first: <Link to="/test-sets">create one</Link>.</p>}
      {prompts.data.items.length === 0 && <p className="warn">You need a prompt first: <Link to="/prompts/new">write one</Link>.</p>}
      <div className="two-col">
        <div className="panel">
          <label>Run name (optional)<input value={name} maxLength={200} onChange={(e) => setName(e.target.value)} /></label>
          <div className="inline-form">
            <label>Test set
              <select value={chosenSet} onChange={(e) => { setSetId(e.target.value); setVersionId(""); }}>
                {sets.data.items.map((s) => <option key={s.id} value={s.id}>{s.name} ({s.case_count} cases)</option>)}
              </select>
            </label>
            <label>Version
              <select value={version?.id ?? ""} onChange={(e) => setVersionId(e.target.value)}>
                {versions.data?.items.map((v) => <option key={v.id} value={v.id}>v{v.version} · {v.case_count} cases</option>)}
              </select>
            </label>
          </div>
          <fieldset>
            <legend>Prompts</legend>
            {source.error ? <ErrorBox error={source.error} title="Could not read the run to repeat" /> : null}
            {prompts.data.items.filter((p) => p.latest_version).map((p) => (
              <PromptChoice key={p.id} prompt={p} chosen={promptIds} onToggle={togglePrompt} />
            ))}
            {promptIds.some((id) => !latestIds.has(id)) && (
              <p className="small">
                Earlier versions chosen:{" "}
                {promptIds.filter((id) => !latestIds.has(id)).map((id) => (
                  <button type="button" key={id} className="chip" onClick={() => togglePrompt(id, labels[id] ?? id, false)}
                    aria-label={`Remove ${labels[id] ?? id}`}>{labels[id] ?? id.slice(0, 8)} ✕</button>
                ))}
              </p>
            )}
          </fieldset>
          <fieldset className="inline">
            <legend>Parameters</legend>
            <label>Temperature<input type="number" min={0} max={2} step={0.1} value={temperature} onChange={(e) => setTemperature(e.target.value)} /></label>
            <label>Max tokens<input type="number" min={1} value={maxTokens} onChange={(e) => setMaxTokens(e.target.value)} /></label>
            <label>Repeats<input type="number" min={REPEATS.min} max={REPEATS.max} step={1} value={repeatsText}
              aria-invalid={!repeatsChecked.ok} aria-describedby={repeatsChecked.ok ? undefined : REPEATS_PROBLEM_ID}
              onChange={(e) => setRepeatsText(e.target.value)} /></label>
            <label>Concurrency<input type="number" min={CONCURRENCY.min} max={CONCURRENCY.max} step={1} value={concurrencyText}
              aria-invalid={!concurrencyChecked.ok} aria-describedby={concurrencyChecked.ok ? undefined : CONCURRENCY_PROBLEM_ID}
              onChange={(e) => setConcurrencyText(e.target.value)} /></label>
            <label className="check"><input type="checkbox" checked={useCache} onChange={(e) => setUseCache(e.target.checked)} /> Reuse cached answers</label>
            {numberProblems.length > 0 && (
              // Said aloud by the launch bar's live region; here beside the boxes they are about.
              <div className="field-problems">
                {!repeatsChecked.ok && <p className="field-problem" id={REPEATS_PROBLEM_ID}>{repeatsChecked.problem}</p>}
                {!concurrencyChecked.ok && <p className="field-problem" id={CONCURRENCY_PROBLEM_ID}>{concurrencyChecked.problem}</p>}
              </div>
            )}
          </fieldset>
        </div>
        <div className="panel">
          <ModelPicker selected={models} onChange={setModels} />
          {blocked.length > 0 && <KeyMissing models={blocked} />}
        </div>
      </div>
      <div className="launch-bar" aria-live="polite">
        <span><strong data-testid="call-count">{int(calls)}</strong> calls</span>
        <span title={`Prompts at about 4 characters a token; every answer as long as Max tokens allows (${int(outTokens)} tokens): short answers cost less.`}>
          estimated cost at most <strong data-testid="cost-estimate">{cost === null ? "unknown (no prices)" : usd(cost)}</strong>
          {cost !== null && unpriced.length > 0 && <span className="muted" data-testid="cost-unpriced"> + {plural(unpriced.length, "model")} without prices</span>}
          <span className="muted small" data-testid="cost-basis"> · answers up to {int(outTokens)} tokens</span>
        </span>
        {blocked.length > 0 && <span className="warn">Cannot start: the server has no OpenRouter key</span>}
        {numberProblems.length > 0 && <span className="warn" id={NUMBERS_ID} data-testid="cannot-start">Cannot start: {numberProblems.join(" ")}</span>}
        <button type="submit" className="primary" disabled={!ready || blocked.length > 0 || numberProblems.length > 0 || launch.isPending}
          aria-describedby={[blocked.length > 0 ? KEY_MISSING_ID : "", numberProblems.length > 0 ? NUMBERS_ID : ""].filter(Boolean).join(" ") || undefined}>
          {launch.isPending ? "Starting…" : "Start run"}
        </button>
      </div>
      {launch.error && <ErrorBox error={launch.error} title="The run was not started" />}
    </form>
  );
}

const KEY_MISSING_ID = "openrouter-key-missing";
const NUMBERS_ID = "launch-number-problems";
const REPEATS_PROBLEM_ID = "repeats-problem";
const CONCURRENCY_PROBLEM_ID = "concurrency-problem";

/** Why the run cannot start with these models, and the fix; the Start button is described by it. */
function KeyMissing({ models }: { models: string[] }) {
  return (
    <div className="state warn-box" id={KEY_MISSING_ID} data-testid="openrouter-key-missing">
      <strong>This server has no OpenRouter key</strong>
      <p>
        Every call to {models.join(", ")} would fail, so the run cannot start. Set <code>OPENROUTER_API_KEY</code> and
        restart <code>assay up</code> (on AWS, put the key in the stack's OpenRouter API key secret), or remove
        the <code>openrouter:</code> models: the offline <code>local:</code> models need no key.
      </p>
    </div>
  );
}

/** A prompt's latest version, and its earlier ones on request: any of them can be run side by side. */
function PromptChoice({ prompt, chosen, onToggle }: { prompt: Prompt; chosen: string[]; onToggle: (id: string, label: string, on: boolean) => void }) {
  const latest = prompt.latest_version!;
  const [open, setOpen] = useState(false);
  const versions = useQuery({
    queryKey: ["prompt", prompt.id, "versions"],
    queryFn: () => api<Page<PromptVersion>>(`/prompts/${prompt.id}/versions`, { query: { limit: 100 } }),
    enabled: open,
  });
  const label = (v: PromptVersion) => `${prompt.name} v${v.version}`;
  return (
    <div className="prompt-choice">
      <label className="check">
        <input type="checkbox" checked={chosen.includes(latest.id)} onChange={(e) => onToggle(latest.id, label(latest), e.target.checked)} />
        {prompt.name} <span className="muted">v{latest.version}</span>
      </label>
      {latest.version > 1 && (
        <details onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
          <summary className="small">earlier versions of {prompt.name}</summary>
          {versions.isPending ? <span className="muted small">Loading…</span> : versions.error ? <ErrorBox error={versions.error} /> : (
            versions.data.items.filter((v) => v.id !== latest.id).map((v) => (
              <label key={v.id} className="check">
                <input type="checkbox" checked={chosen.includes(v.id)} onChange={(e) => onToggle(v.id, label(v), e.target.checked)} />
                {prompt.name} <span className="muted">v{v.version} · {v.variables.join(", ") || "no variables"}</span>
              </label>
            ))
          )}
        </details>
      )}
    </div>
  );
}
