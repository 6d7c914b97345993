import { useState } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { useInfiniteQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import type { Change, ComparePage as Compared } from "../api/types";
import { Empty, ErrorBox, Loading } from "../components/States";
import { TextDiff } from "../components/TextDiff";
import { show } from "../components/format";

const CHANGES: Change[] = ["regressed", "improved", "new", "removed", "unchanged"];

export function ComparePage() {
  const { id = "" } = useParams();
  const [params] = useSearchParams();
  const base = params.get("base") ?? "";
  const [shown, setShown] = useState<Change[]>(["regressed", "improved", "new"]);
  const pages = useInfiniteQuery({
    queryKey: ["compare", id, base, shown],
    queryFn: ({ pageParam }) => api<Compared>(`/runs/${id}/compare`, { query: { base_run_id: base, change: shown, cursor: pageParam, limit: 100 } }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    enabled: Boolean(base) && shown.length > 0,
  });
  const counts = pages.data?.pages[0]?.counts ?? {};
  const items = pages.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="page wide">
      <p className="crumbs"><Link to="/runs">Runs</Link> / <Link to={`/runs/${id}`}>this run</Link> /</p>
      <h1>Compare runs</h1>
      <p className="muted">Cells of <Link to={`/runs/${base}`}>the earlier run</Link> (left) against <Link to={`/runs/${id}`}>this run</Link> (right), matched on case, prompt, model and repeat.</p>
      {!base && <ErrorBox error={new Error("Choose a run to compare with from the run page.")} />}
      <fieldset className="inline" aria-label="Changes to show">
        <legend>Show</legend>
        {CHANGES.map((c) => (
          <label key={c} className="check">
            <input type="checkbox" checked={shown.includes(c)} onChange={(e) => setShown(e.target.checked ? [...shown, c] : shown.filter((x) => x !== c))} />
            {c} <span className={`badge change-${c}`} data-testid={`count-${c}`}>{counts[c] ?? 0}</span>
          </label>
        ))}
      </fieldset>
      {pages.isPending && shown.length > 0 && base ? <Loading what="Comparing" /> : null}
      {pages.error && <ErrorBox error={pages.error} />}
      {pages.data && items.length === 0 && <Empty title="Nothing to show">No cells changed this way.</Empty>}
      <ol className="compare-list">
        {items.map((it, i) => (
          <li key={i} className="compare-item" data-change={it.change}>
            <p>
              <span className={`badge change-${it.change}`}>{it.change}</span>{" "}
              <strong>{it.provider}</strong> · {it.prompt_label}{it.repeat ? ` #${it.repeat + 1}` : ""} ·{" "}
              <span className="muted">{it.description ?? Object.entries(it.vars).map(([k, v]) => `${k}: ${show(v)}`).join(" · ")}</span>
            </p>
            <TextDiff leftLabel={`before: ${it.base?.outcome ?? "absent"}`} rightLabel={`after: ${it.head?.outcome ?? "absent"}`}
              left={it.base?.output ?? it.base?.error ?? ""} right={it.head?.output ?? it.head?.error ?? ""} />
          </li>
        ))}
      </ol>
      {pages.hasNextPage && <button type="button" onClick={() => pages.fetchNextPage()} disabled={pages.isFetchingNextPage}>Show more</button>}
    </div>
  );
}
