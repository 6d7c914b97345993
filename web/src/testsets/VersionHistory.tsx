import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import type { Case, Page, Version, VersionDiff } from "../api/types";
import { ErrorBox, Loading } from "../components/States";
import { TextDiff } from "../components/TextDiff";
import { plural, when } from "../components/format";
import "./testsets.css";

function text(c: Case | undefined): string {
  if (!c) return "";
  return JSON.stringify({ description: c.description ?? undefined, vars: c.vars, assert: c.assert }, null, 2);
}

/** Versions newest first; pick two to see the cases added, removed and changed between them. */
export function VersionHistory({ testSetId }: { testSetId: string }) {
  const versions = useQuery({
    queryKey: ["test-set", testSetId, "versions"],
    queryFn: () => api<Page<Version>>(`/test-sets/${testSetId}/versions`, { query: { limit: 100 } }),
  });
  const [base, setBase] = useState<string>("");
  const [head, setHead] = useState<string>("");
  const items = versions.data?.items ?? [];
  const b = base || items[1]?.id || "";
  const h = head || items[0]?.id || "";
  const diff = useQuery({
    queryKey: ["test-set", testSetId, "diff", b, h],
    queryFn: () => api<VersionDiff>(`/test-sets/${testSetId}/diff`, { query: { base: b, head: h } }),
    enabled: Boolean(b && h && b !== h),
  });
  if (versions.isPending) return <Loading what="Loading versions" />;
  if (versions.error) return <ErrorBox error={versions.error} />;
  const pick = (label: string, value: string, set: (v: string) => void) => (
    <label>{label}
      <select value={value} onChange={(e) => set(e.target.value)}>
        {items.map((v) => <option key={v.id} value={v.id}>v{v.version} · {plural(v.case_count, "case")}{v.note ? ` · ${v.note}` : ""}</option>)}
      </select>
    </label>
  );
  return (
    <section className="panel">
      <h2>Version history</h2>
      {/* Wider than a phone: it scrolls sideways in its own region, which the keyboard can reach. */}
      <div className="table-scroll" role="region" aria-label="Versions table" tabIndex={0}>
        <table className="data" aria-label="Versions, newest first">
          <thead><tr><th scope="col">Version</th><th scope="col">Cases</th><th scope="col">Change</th><th scope="col">Created</th><th scope="col">Hash</th></tr></thead>
          <tbody>
            {items.map((v) => (
              <tr key={v.id}><td>v{v.version}</td><td className="num">{v.case_count}</td><td>{v.note}</td><td>{when(v.created_at)}</td><td><code>{v.content_hash.slice(0, 12)}</code></td></tr>
            ))}
          </tbody>
        </table>
      </div>
      {items.length > 1 && (
        <>
          <div className="inline-form">{pick("From", b, setBase)}{pick("To", h, setHead)}</div>
          {diff.isFetching && <Loading what="Comparing versions" />}
          {diff.error && <ErrorBox error={diff.error} />}
          {diff.data && <Changes key={`${b}|${h}`} diff={diff.data} />}
        </>
      )}
    </section>
  );
}

/** Diffs shown at first, and added by each "Show more": a replaced set of thousands stays readable. */
export const DIFFS_AT_ONCE = 25;

/** What changed between two versions: the counts, then each case's diff, a page at a time. */
function Changes({ diff }: { diff: VersionDiff }) {
  const [shown, setShown] = useState(DIFFS_AT_ONCE);
  const entries = [
    ...diff.changed.map((c) => ({ key: c.after.id, label: `Case ${c.before.position + 1} before`, other: "after", left: text(c.before), right: text(c.after) })),
    ...diff.added.map((c) => ({ key: c.id, label: "(absent)", other: `Case ${c.position + 1} added`, left: "", right: text(c) })),
    ...diff.removed.map((c) => ({ key: c.id, label: `Case ${c.position + 1} removed`, other: "(absent)", left: text(c), right: "" })),
  ];
  const rest = entries.length - shown;
  return (
    <div>
      <p>{diff.added.length} added · {diff.removed.length} removed · {diff.changed.length} changed · {diff.unchanged} unchanged</p>
      {entries.slice(0, shown).map((e) => <TextDiff key={e.key} lines leftLabel={e.label} rightLabel={e.other} left={e.left} right={e.right} />)}
      {rest > 0 && (
        <p>
          <button type="button" onClick={() => setShown(shown + DIFFS_AT_ONCE)}>
            Show {Math.min(rest, DIFFS_AT_ONCE)} more of {plural(rest, "change")} not shown
          </button>
        </p>
      )}
    </div>
  );
}
