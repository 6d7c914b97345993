import { useEffect, useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import type { Case, CasePage, Message, Page, PromptBody, TestSet } from "../api/types";
import { ErrorBox } from "../components/States";
import { explain } from "../components/errors";
import { Highlighted } from "./Highlighted";
import { bodyText } from "./BodyEditor";
import { renderable, sameBody } from "./body";
import {
  caseNumbers, lackCount, lacks, localLacks, renderRequest, sameErrors,
  type CasesRendered, type Lack, type PromptRendered,
} from "./preview";
import { variables } from "./template";
import { useDebounced } from "../components/useDebounced";

const DEBOUNCE_MS = 250;
const OTHER_ERRORS_SHOWN = 5;

/**
 * The template rendered by the server exactly as a run renders it (sandboxed Jinja), with one
 * case of a test set, and every case of that test set tried: which would fail, and why.
 */
const REMEMBERED = "assay.preview";

function remembered(): { setId: string; caseIndex: number } {
  try {
    const saved = JSON.parse(sessionStorage.getItem(REMEMBERED) ?? "{}") as { setId?: unknown; caseIndex?: unknown };
    return {
      setId: typeof saved.setId === "string" ? saved.setId : "",
      caseIndex: Number.isInteger(saved.caseIndex) && (saved.caseIndex as number) >= 0 ? (saved.caseIndex as number) : 0,
    };
  } catch {
    return { setId: "", caseIndex: 0 };
  }
}

export function PreviewPanel({ body, label }: { body: PromptBody; label: string }) {
  // The test set and case chosen last in this tab: kept when a new prompt is created (the page
  // starts again under the prompt's address) and for the next prompt opened.
  const [setId, setSetId] = useState(() => remembered().setId);
  const [caseIndex, setCaseIndex] = useState(() => remembered().caseIndex);
  useEffect(() => {
    try {
      sessionStorage.setItem(REMEMBERED, JSON.stringify({ setId, caseIndex }));
    } catch {
      // storage refused (a private window's quota): the choice lasts as long as the page
    }
  }, [setId, caseIndex]);
  const sets = useQuery({ queryKey: ["test-sets"], queryFn: () => api<Page<TestSet>>("/test-sets", { query: { limit: 200 } }) });
  // A remembered set that is gone (deleted) is no choice: the first set is shown instead.
  const known = sets.data?.items.some((s) => s.id === setId) ? setId : "";
  const chosen = known || sets.data?.items[0]?.id || "";
  const cases = useQuery({
    queryKey: ["test-set", chosen, "cases", "preview"],
    queryFn: () => api<CasePage>(`/test-sets/${chosen}/cases`, { query: { limit: 200 } }),
    enabled: Boolean(chosen),
  });
  const items = cases.data?.items ?? [];
  const current: Case | undefined = items[Math.min(caseIndex, items.length - 1)];

  const settled = useDebounced(body, DEBOUNCE_MS);
  const request = renderable(settled) ? renderRequest(settled, label, cases.data?.version.id, current?.position) : null;
  const rendered = useQuery({
    queryKey: ["prompt-render", request],
    queryFn: () => api<PromptRendered>("/prompts/render", { method: "POST", json: request }),
    enabled: request !== null && !(chosen && cases.isPending) && !sets.isPending,
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: 60_000,
  });
  const server = request && !rendered.error ? rendered.data : undefined;
  const failed = request !== null && rendered.error ? rendered.error : null;
  const busy = !sameBody(settled, body) || rendered.isFetching;

  const text = bodyText(body);
  const used = server ? server.variables : variables(text);
  const lacking: Lack[] = server?.cases ? lacks(server.cases.failures) : failed ? localLacks(used, items) : [];
  const missing = new Set(lacking.map((l) => l.variable));
  const templateError = server?.error && "line" in server.error.details ? server.error : null;
  const caseError = server?.error && !templateError ? server.error : null;
  return (
    <section className="panel preview-panel" aria-labelledby="preview-title" aria-busy={busy}>
      <h2 id="preview-title">Variables and preview</h2>
      <div className="inline-form">
        <label>Test set
          <select value={chosen} onChange={(e) => { setSetId(e.target.value); setCaseIndex(0); }}>
            {sets.data?.items.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </label>
        {items.length > 0 && (
          <label>Case
            <select value={Math.min(caseIndex, items.length - 1)} onChange={(e) => setCaseIndex(Number(e.target.value))}>
              {items.map((c, i) => <option key={c.id} value={i}>{c.position + 1}. {c.description ?? JSON.stringify(c.vars).slice(0, 40)}</option>)}
            </select>
          </label>
        )}
        {busy && request && <span className="muted render-busy" aria-hidden="true">Rendering…</span>}
      </div>
      {sets.data?.items.length === 0 && <p className="muted">Create a test set to check variables and preview.</p>}
      {cases.error && <ErrorBox error={cases.error} />}
      <p>
        Variables: {used.length === 0 ? <span className="muted">none</span> : used.map((v) => (
          <code key={v} className={missing.has(v) ? "chip missing" : "chip"}>{v}</code>
        ))}
      </p>
      <div aria-live="polite">
        {templateError && (
          <p className="render-failure" role="alert">The template does not parse, so every call would fail: {templateError.message}</p>
        )}
        {server?.cases && <CasesCheck cases={server.cases} items={items} variables={server.variables} />}
        {failed && (
          <div className="warn" role="status">
            <p>The preview could not be rendered on the server: {explain(failed).sentence} The template is shown as written.</p>
            {lacking.length > 0 && <LackList lacking={lacking} checked={items.length} noun="loaded case" />}
          </div>
        )}
      </div>
      <Highlighted text={text} missing={missing} />
      {current && (server?.messages || caseError) && (
        <>
          <h3>Rendered with case {current.position + 1}</h3>
          {server?.messages ? <Rendered messages={server.messages} /> : (
            <p className="render-failure">In a run, this case's calls fail: {caseError!.message}</p>
          )}
        </>
      )}
    </section>
  );
}

/** What a model is sent: the text of a single user message, or each message under its role. */
function Rendered({ messages }: { messages: Message[] }) {
  const plain = messages.length === 1 && messages[0].role === "user";
  return (
    <pre className="rendered" role="figure" aria-label="Rendered preview">
      {plain ? messages[0].content : (
        <span className="rendered-messages">
          {messages.map((m, i) => (
            <span key={i}><span className="rendered-role">{m.role}</span>{m.content}</span>
          ))}
        </span>
      )}
    </pre>
  );
}

function LackList({ lacking, checked, noun }: { lacking: Lack[]; checked: number; noun?: string }) {
  return (
    <ul>
      {lacking.map((l) => (
        <li key={l.variable}>
          {lackCount(l.positions.length, checked, noun)} <code>{l.variable}</code>: {caseNumbers(l.positions)}
        </li>
      ))}
    </ul>
  );
}

/** How every case of the chosen test set fares with this template, as a run would find. */
function CasesCheck({ cases, items, variables }: { cases: CasesRendered; items: Case[]; variables: string[] }) {
  const unused = cases.unused.length > 0 && (
    <span className="muted"> Columns the template does not use: {cases.unused.join(", ")}.</span>
  );
  if (cases.cases_failed === 0) {
    // Rendered everywhere; a variable can still be absent where the template gives it a default.
    const optional = variables.filter((v) => items.some((c) => !(v in c.vars)));
    return (
      <p className="render-check" role="status">
        {optional.length === 0 ? `All ${cases.cases_checked} cases render: every variable is present.` :
          `All ${cases.cases_checked} cases render; some lack ${optional.join(", ")}, which the template does not require.`}
        {unused}
      </p>
    );
  }
  const lacking = lacks(cases.failures);
  const others = cases.failures.filter((f) => f.missing.length === 0);
  const listed = cases.failures.length < cases.cases_failed;
  return (
    <div className="render-check render-failure" role="status">
      <p>
        <strong>{cases.cases_failed} of {cases.cases_checked} cases would fail in a run</strong>
        {listed && ` (the first ${cases.failures.length} are listed)`}:
      </p>
      {lacking.length > 0 && <LackList lacking={lacking} checked={cases.cases_checked} />}
      {others.length > 0 && (
        <ul>
          {sameErrors(others).slice(0, OTHER_ERRORS_SHOWN).map((e) => <li key={e.message}>{caseNumbers(e.positions)}: {e.message}</li>)}
          {sameErrors(others).length > OTHER_ERRORS_SHOWN && <li>and {sameErrors(others).length - OTHER_ERRORS_SHOWN} other errors</li>}
        </ul>
      )}
      {lacking.length > 0 && <p>A missing variable fails the call (“missing variable”); it is never sent as an empty value.</p>}
      {unused}
    </div>
  );
}
