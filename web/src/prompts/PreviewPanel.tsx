import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import type { CasePage, Page, PromptBody, TestSet, VariableCheck } from "../api/types";
import { ErrorBox } from "../components/States";
import { Highlighted } from "./Highlighted";
import { bodyText } from "./BodyEditor";
import { render, variables } from "./template";

/** Variables checked against a test set's cases, and the template rendered with one case. */
export function PreviewPanel({ body, promptId, versionId }: { body: PromptBody; promptId: string | null; versionId: string | null }) {
  const [setId, setSetId] = useState("");
  const [caseIndex, setCaseIndex] = useState(0);
  const sets = useQuery({ queryKey: ["test-sets"], queryFn: () => api<Page<TestSet>>("/test-sets", { query: { limit: 200 } }) });
  const chosen = setId || sets.data?.items[0]?.id || "";
  const cases = useQuery({
    queryKey: ["test-set", chosen, "cases", "preview"],
    queryFn: () => api<CasePage>(`/test-sets/${chosen}/cases`, { query: { limit: 200 } }),
    enabled: Boolean(chosen),
  });
  const tsv = cases.data?.version.id;
  const check = useQuery({
    queryKey: ["prompt-check", promptId, versionId, tsv],
    queryFn: () => api<VariableCheck>(`/prompts/${promptId}/check`, { query: { test_set_version_id: tsv, version_id: versionId } }),
    enabled: Boolean(promptId && versionId && tsv),
  });
  const text = bodyText(body);
  const used = variables(text);
  const items = cases.data?.items ?? [];
  const missing = new Set(used.filter((v) => items.some((c) => !(v in c.vars))));
  const current = items[Math.min(caseIndex, items.length - 1)];
  return (
    <section className="panel" aria-labelledby="preview-title">
      <h2 id="preview-title">Variables and preview</h2>
      <div className="inline-form">
        <label>Test set
          <select value={chosen} onChange={(e) => { setSetId(e.target.value); setCaseIndex(0); }}>
            {sets.data?.items.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </label>
        {items.length > 0 && (
          <label>Case
            <select value={caseIndex} onChange={(e) => setCaseIndex(Number(e.target.value))}>
              {items.map((c, i) => <option key={c.id} value={i}>{c.position + 1}. {c.description ?? JSON.stringify(c.vars).slice(0, 40)}</option>)}
            </select>
          </label>
        )}
      </div>
      {sets.data?.items.length === 0 && <p className="muted">Create a test set to check variables and preview.</p>}
      {cases.error && <ErrorBox error={cases.error} />}
      <p>
        Variables: {used.length === 0 ? <span className="muted">none</span> : used.map((v) => (
          <code key={v} className={missing.has(v) ? "chip missing" : "chip"}>{v}</code>
        ))}
      </p>
      {missing.size > 0 && (
        <p className="warn" role="status">Some cases lack {[...missing].join(", ")}: those calls would render an empty value.</p>
      )}
      {check.data && (
        <p className="muted" role="status">
          Saved version checked on the server against {check.data.cases_checked} cases: {check.data.ok ? "every variable is present" :
            `${check.data.cases_missing.length} cases lack variables`}{check.data.unused.length > 0 && `; columns not used: ${check.data.unused.join(", ")}`}.
        </p>
      )}
      <Highlighted text={text} missing={missing} />
      {current && (
        <>
          <h3>Rendered with case {current.position + 1}</h3>
          <pre className="rendered" role="figure" aria-label="Rendered preview">{render(text, current.vars)}</pre>
        </>
      )}
    </section>
  );
}
