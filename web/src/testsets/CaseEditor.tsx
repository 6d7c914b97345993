import { useEffect, useRef, useState, type FormEvent } from "react";
import type { Assertion, Case, CaseBody } from "../api/types";
import { show } from "../components/format";

const TYPES = ["equals", "contains", "icontains", "starts-with", "regex", "contains-any", "contains-all",
  "not-contains", "is-json", "contains-json", "levenshtein", "cost", "latency", "javascript", "python"];

interface Row { key: string; value: string }

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
    return (keys.length ? keys : [""]).map((k) => ({ key: k, value: show(initial?.vars[k] ?? "") }));
  });
  const [asserts, setAsserts] = useState<Assertion[]>(initial?.assert ?? []);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  function submit(e: FormEvent) {
    e.preventDefault();
    const body: CaseBody = {
      description: description || null,
      vars: Object.fromEntries(vars.filter((r) => r.key.trim()).map((r) => [r.key.trim(), r.value])),
      assert: asserts.filter((a) => a.type.trim()),
      threshold: initial?.threshold ?? null,
      metadata: initial?.metadata ?? {},
    };
    onSave(body);
  }

  return (
    <form className="panel editor" onSubmit={submit} onKeyDown={(e) => e.key === "Escape" && onCancel()}
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
        {asserts.map((a, i) => (
          <div className="row" key={i}>
            <label>Type
              <input list="assertion-types" value={a.type} onChange={(e) => setAsserts(asserts.map((x, j) => (j === i ? { ...x, type: e.target.value } : x)))} />
            </label>
            <label className="grow">Value
              <input value={show(a.value)} onChange={(e) => setAsserts(asserts.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))} />
            </label>
            <button type="button" aria-label={`Remove assertion ${i + 1}`} onClick={() => setAsserts(asserts.filter((_, j) => j !== i))}>✕</button>
          </div>
        ))}
        <datalist id="assertion-types">{TYPES.map((t) => <option key={t} value={t} />)}</datalist>
        <button type="button" onClick={() => setAsserts([...asserts, { type: "contains", value: "" }])}>Add assertion</button>
      </fieldset>
      <div className="actions">
        <button type="submit" className="primary" disabled={saving}>{saving ? "Saving…" : "Save case"}</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
