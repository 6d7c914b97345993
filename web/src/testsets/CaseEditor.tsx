import { useEffect, useRef, useState, type FormEvent } from "react";
import type { Assertion, Case, CaseBody } from "../api/types";
import { show } from "../components/format";
import { ASSERTION_TYPES, NEEDS_THRESHOLD, splitType } from "./assertionTypes";
import { checkAssertion, type Problem } from "./validateCase";
import { varFromText } from "./caseApi";
import "./testsets.css";

/** A variable as the form holds it: its value as typed text, and the value it had (to keep its type). */
interface Row { key: string; value: string; original?: unknown }

/** The assertion as the form holds it: its value as typed text (objects and lists as JSON). */
interface Draft { type: string; value: string; threshold: string; rest: Assertion }

function draftOf(a: Assertion): Draft {
  return { type: a.type, value: show(a.value), threshold: a.threshold == null ? "" : String(a.threshold), rest: a };
}

/** The typed value back as the API takes it: unchanged text keeps the original value (an object stays one). */
function assertionOf(d: Draft): Assertion {
  const unchanged = d.value === show(d.rest.value);
  const value = unchanged ? d.rest.value : d.value === "" ? null : d.value;
  const threshold = d.threshold.trim() === "" ? null : Number(d.threshold);
  return { ...d.rest, type: d.type, value, threshold };
}

/** A form for one case: description, variables and assertions; keyboard and screen-reader friendly. */
export function CaseEditor({ initial, columns, onSave, onCancel, saving }: {
  initial: Case | null;
  columns: string[];
  onSave: (body: CaseBody) => void;
  onCancel: () => void;
  saving: boolean;
}) {
  const [description, setDescription] = useState(initial?.description ?? "");
  const [vars, setVars] = useState<Row[]>(() => {
    const keys = initial ? Object.keys(initial.vars) : columns;
    return (keys.length ? keys : [""]).map((k) => ({ key: k, value: show(initial?.vars[k] ?? ""), original: initial?.vars[k] }));
  });
  const [asserts, setAsserts] = useState<Draft[]>(() => (initial?.assert ?? []).map(draftOf));
  const [problems, setProblems] = useState<Problem[][]>([]);
  const first = useRef<HTMLInputElement>(null);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => first.current?.focus(), []);

  function setAssert(i: number, change: Partial<Draft>) {
    setAsserts(asserts.map((x, j) => (j === i ? { ...x, ...change } : x)));
    setProblems(problems.map((p, j) => (j === i ? [] : p)));
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const assertions = asserts.map(assertionOf);
    const found = assertions.map((a) => checkAssertion(a, ""));
    setProblems(found);
    const bad = found.findIndex((p) => p.length > 0);
    if (bad >= 0) {
      // Move to the first field at fault; nothing is sent until the server would take it.
      const field = found[bad][0].field === "threshold" ? "threshold" : found[bad][0].field === "type" ? "type" : "value";
      form.current?.querySelector<HTMLElement>(`[data-assert="${bad}:${field}"]`)?.focus();
      return;
    }
    onSave({
      description: description || null,
      vars: Object.fromEntries(vars.filter((r) => r.key.trim()).map((r) => [r.key.trim(), varFromText(r.value, r.original)])),
      assert: assertions,
      threshold: initial?.threshold ?? null,
      metadata: initial?.metadata ?? {},
    });
  }

  return (
    <form ref={form} className="panel editor" onSubmit={submit} noValidate
      onKeyDown={(e) => { if (e.key === "Escape") { e.preventDefault(); onCancel(); } }}
      aria-label={initial ? `Edit case ${initial.position + 1}` : "New case"}>
      <h2>{initial ? `Case ${initial.position + 1}` : "New case"}</h2>
      <label>Description<input ref={first} value={description} onChange={(e) => setDescription(e.target.value)} /></label>
      <fieldset>
        <legend>Variables</legend>
        {vars.map((row, i) => (
          <div className="row" key={i}>
            <label>Name<input value={row.key} onChange={(e) => setVars(vars.map((r, j) => (j === i ? { ...r, key: e.target.value } : r)))} /></label>
            <label className="grow">Value<textarea rows={2} value={row.value} onChange={(e) => setVars(vars.map((r, j) => (j === i ? { ...r, value: e.target.value } : r)))} /></label>
            <button type="button" aria-label={`Remove variable ${row.key || i + 1}`} onClick={() => setVars(vars.filter((_, j) => j !== i))}>✕</button>
          </div>
        ))}
        <button type="button" onClick={() => setVars([...vars, { key: "", value: "" }])}>Add variable</button>
      </fieldset>
      <fieldset>
        <legend>Assertions</legend>
        {asserts.map((a, i) => {
          const errors = problems[i] ?? [];
          const errorId = `assert-${i}-errors`;
          const invalid = (field: string) => errors.some((p) => p.field === field);
          const described = errors.length ? errorId : undefined;
          const needsThreshold = NEEDS_THRESHOLD.includes(splitType(a.type)[0]);
          return (
            <div className="assert-row" key={i}>
              <div className="row">
                <label>Type
                  <select data-assert={`${i}:type`} value={a.type} aria-invalid={invalid("type")} aria-describedby={described}
                    onChange={(e) => setAssert(i, { type: e.target.value })}>
                    {!ASSERTION_TYPES.includes(a.type) && <option value={a.type}>{a.type} (not supported)</option>}
                    {ASSERTION_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
                  </select>
                </label>
                <label className="grow">Value
                  <input data-assert={`${i}:value`} value={a.value} aria-invalid={invalid("value")} aria-describedby={described}
                    onChange={(e) => setAssert(i, { value: e.target.value })} />
                </label>
                <label className="threshold">Threshold{needsThreshold ? " (required)" : ""}
                  <input data-assert={`${i}:threshold`} type="number" step="any" inputMode="decimal" value={a.threshold}
                    aria-invalid={invalid("threshold")} aria-describedby={described}
                    onChange={(e) => setAssert(i, { threshold: e.target.value })} />
                </label>
                <button type="button" aria-label={`Remove assertion ${i + 1}`} onClick={() => {
                  setAsserts(asserts.filter((_, j) => j !== i));
                  setProblems(problems.filter((_, j) => j !== i));
                }}>✕</button>
              </div>
              {errors.length > 0 && (
                <div id={errorId} role="alert">
                  <ul className="field-errors">
                    {errors.map((p, k) => <li key={k}>Assertion {i + 1}: {p.message}</li>)}
                  </ul>
                </div>
              )}
            </div>
          );
        })}
        <button type="button" onClick={() => setAsserts([...asserts, draftOf({ type: "contains", value: "" })])}>Add assertion</button>
      </fieldset>
      <div className="actions">
        <button type="submit" className="primary" disabled={saving}>{saving ? "Saving…" : "Save case"}</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
