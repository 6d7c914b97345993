import { useState } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import type { Change, ComparePage as Compared, Page, Run } from "../api/types";
import { Empty, ErrorBox, Loading } from "../components/States";
import { TextDiff } from "../components/TextDiff";
import { pct, show, usd, when } from "../components/format";
import { labels, pairDeltas, points } from "../runs/compareSummary";
import { testSetWarning } from "../runs/testSetMatch";
import { useTitle } from "../components/useTitle";

const CHANGES: Change[] = ["regressed", "improved", "new", "removed", "unchanged"];

const runName = (r: Run | undefined, fallback: string) => (r ? r.name ?? r.id.slice(0, 8) : fallback);

export function ComparePage() {
  const { id = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const base = params.get("base") ?? "";
  const model = params.get("model") ?? "";
  const prompt = params.get("prompt") ?? "";
  const [shown, setShown] = useState<Change[]>(["regressed", "improved", "new"]);
  const head = useQuery({ queryKey: ["run", id], queryFn: () => api<Run>(`/runs/${id}`) });
  useTitle("Compare", head.data ? head.data.name ?? head.data.id.slice(0, 8) : null, "Runs");
  const baseRun = useQuery({ queryKey: ["run", base], queryFn: () => api<Run>(`/runs/${base}`), enabled: Boolean(base) });
  const pages = useInfiniteQuery({
    queryKey: ["compare", id, base, shown, model, prompt],
    queryFn: ({ pageParam }) => api<Compared>(`/runs/${id}/compare`, {
      query: { base_run_id: base, change: shown, cursor: pageParam, limit: 100, provider: model || undefined, prompt: prompt || undefined },
    }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    enabled: Boolean(base) && shown.length > 0,
    placeholderData: keepPreviousData, // counts stay put while a filter's answer comes
  });
  const counts = pages.data?.pages[0]?.counts ?? {};
  const items = pages.data?.pages.flatMap((p) => p.items) ?? [];
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value); else next.delete(key);
    setParams(next, { replace: true });
  };
  const models = labels(head.data?.models.map((m) => m.label) ?? [], baseRun.data?.models.map((m) => m.label) ?? []);
  const prompts = labels(head.data?.prompts.map((p) => p.label) ?? [], baseRun.data?.prompts.map((p) => p.label) ?? []);
  const mismatch = head.data && baseRun.data ? testSetWarning(baseRun.data, head.data) : null;
  return (
    <div className="page wide">
      <p className="crumbs"><Link to="/runs">Runs</Link> / <Link to={`/runs/${id}`}>{runName(head.data, "this run")}</Link> /</p>
      <h1>Compare runs</h1>
      {base ? (
        <p className="muted">
          Cells of <Link to={`/runs/${base}`}>{runName(baseRun.data, "the earlier run")}</Link> (before, left) against{" "}
          <Link to={`/runs/${id}`}>{runName(head.data, "this run")}</Link> (after, right), matched on case, prompt, model and repeat.
        </p>
      ) : (
        <p className="muted">
          Cells of an earlier run (before, left) against <Link to={`/runs/${id}`}>{runName(head.data, "this run")}</Link> (after, right),
          matched on case, prompt, model and repeat.
        </p>
      )}
      {head.error ? <ErrorBox error={head.error} title="Could not load this run" /> : null}
      {baseRun.error ? <ErrorBox error={baseRun.error} title="Could not load the earlier run" /> : null}
      <div className="toolbar" role="group" aria-label="What to compare">
        <BasePicker runId={id} base={base} onChange={(b) => set("base", b)} />
        <label>Model
          <select aria-label="Model" value={model} onChange={(e) => set("model", e.target.value)}>
            <option value="">every model</option>
            {models.map((m) => <option key={m} value={m}>{m}</option>)}
          </select>
        </label>
        <label>Prompt
          <select aria-label="Prompt" value={prompt} onChange={(e) => set("prompt", e.target.value)}>
            <option value="">every prompt</option>
            {prompts.map((p) => <option key={p} value={p}>{p}</option>)}
          </select>
        </label>
      </div>
      {mismatch && <p className="state warn-box" role="note" data-testid="test-set-mismatch"><strong>Not the same test set.</strong> {mismatch}</p>}
      {head.data?.summary && baseRun.data?.summary && (
        <Deltas rows={pairDeltas(baseRun.data.summary, head.data.summary).filter((d) => (!model || d.model === model) && (!prompt || d.prompt === prompt))} />
      )}
      {base && <fieldset className="inline" aria-label="Changes to show">
        <legend>Show</legend>
        {CHANGES.map((c) => (
          <label key={c} className="check">
            <input type="checkbox" checked={shown.includes(c)} onChange={(e) => setShown(e.target.checked ? [...shown, c] : shown.filter((x) => x !== c))} />
            {c} <span className={`badge change-${c}`} data-testid={`count-${c}`}>{counts[c] ?? 0}</span>
          </label>
        ))}
      </fieldset>}
      {pages.isPending && shown.length > 0 && base ? <Loading what="Comparing" /> : null}
      {pages.error && !baseRun.error && !head.error ? <ErrorBox error={pages.error} title="Could not compare the runs" /> : null}
      {base && shown.length === 0 && <Empty title="Nothing to show">Tick at least one kind of change above.</Empty>}
      {pages.data && items.length === 0 && <Empty title="Nothing to show">No cells changed this way.</Empty>}
      <ol className="compare-list">
        {items.map((it, i) => (
          <li key={i} className="compare-item" data-change={it.change}>
            <p>
              <span className={`badge change-${it.change}`}>{it.change}</span>{" "}
              <strong>{it.provider}</strong> · {it.prompt_label}{it.repeat ? ` · repeat ${it.repeat + 1}` : ""} ·{" "}
              <span className="muted">{it.description ?? Object.entries(it.vars).map(([k, v]) => `${k}: ${show(v)}`).join(" · ")}</span>
            </p>
            <TextDiff leftLabel={`before: ${it.base?.outcome ?? "absent"}`} rightLabel={`after: ${it.head?.outcome ?? "absent"}`}
              left={it.base?.output ?? it.base?.error ?? ""} right={it.head?.output ?? it.head?.error ?? ""} />
          </li>
        ))}
      </ol>
      {pages.hasNextPage && (
        <button type="button" onClick={() => pages.fetchNextPage()} disabled={pages.isFetchingNextPage}>
          {pages.isFetchingNextPage ? "Loading…" : `Show more (${items.length.toLocaleString()} shown)`}
        </button>
      )}
    </div>
  );
}

/** Pass rate before and after, per prompt × model. */
function Deltas({ rows }: { rows: ReturnType<typeof pairDeltas> }) {
  if (rows.length === 0) return null;
  return (
    <div className="table-scroll" role="region" aria-label="Pass rate changes" tabIndex={0}>
      <table className="data" aria-label="Pass rate before and after, per prompt and model">
        <thead>
          <tr>
            <th scope="col">Prompt</th><th scope="col">Model</th><th scope="col" className="num">Before</th>
            <th scope="col" className="num">After</th><th scope="col" className="num">Change</th>
            <th scope="col" className="num">Cost before</th><th scope="col" className="num">Cost after</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr key={`${d.prompt}\u0000${d.model}`}>
              <td>{d.prompt}</td><td>{d.model}</td>
              <td className="num">{pct(d.before)}</td><td className="num">{pct(d.after)}</td>
              <td className={`num ${d.delta === null ? "" : d.delta > 0.0005 ? "delta-up" : d.delta < -0.0005 ? "delta-down" : ""}`}>{points(d.delta)}</td>
              <td className="num">{d.costBefore === null ? "—" : usd(d.costBefore)}</td>
              <td className="num">{d.costAfter === null ? "—" : usd(d.costAfter)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const BASE_HINT_ID = "compare-base-hint";

function BasePicker({ runId, base, onChange }: { runId: string; base: string; onChange: (id: string) => void }) {
  const runs = useQuery({ queryKey: ["runs"], queryFn: () => api<Page<Run>>("/runs", { query: { limit: 100 } }) });
  const others = (runs.data?.items ?? []).filter((o) => o.id !== runId);
  return (
    <>
      <label>Before
        <select aria-label="Before" value={base} aria-describedby={base ? undefined : BASE_HINT_ID} onChange={(e) => e.target.value && onChange(e.target.value)}>
          {!others.some((o) => o.id === base) && <option value={base}>{base ? base.slice(0, 8) : "choose a run…"}</option>}
          {others.map((o) => <option key={o.id} value={o.id}>{o.name ?? o.id.slice(0, 8)} · {when(o.created_at)}</option>)}
        </select>
      </label>
      {!base && (
        // A prompt, not an error: nothing is compared until a run is chosen.
        <p className="picker-hint" id={BASE_HINT_ID} role="status">
          {runs.data && others.length === 0 ? "There is no other run to compare this one with yet." : "Choose the earlier run to compare this one with."}
        </p>
      )}
    </>
  );
}
