import { useEffect, useId, useRef, useState, type RefObject } from "react";
import { Link, useBlocker, useNavigate, useParams } from "react-router-dom";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import type { Prompt, PromptBody, PromptVersion } from "../api/types";
import { ErrorBox, ErrorPage, Loading } from "../components/States";
import { BodyEditor } from "../prompts/BodyEditor";
import { ConfirmDialog } from "../prompts/ConfirmDialog";
import { PreviewPanel } from "../prompts/PreviewPanel";
import { PromptVersions } from "../prompts/PromptVersions";
import { isBlank, sameBody } from "../prompts/body";
import "../prompts/prompts.css";
import type { NoticeState } from "../components/useNotice";
import { useTitle } from "../components/useTitle";

const STARTER: PromptBody = { text: "" };

/** Asks before the page is left with unsaved edits: a reload or close, or a link in the app. */
function useLeaveGuard(dirty: boolean, leaving: RefObject<boolean>) {
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => {
      if (leaving.current) return;
      e.preventDefault();
      e.returnValue = ""; // older browsers need it set to show their prompt
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty, leaving]);
  return useBlocker(({ currentLocation, nextLocation }) =>
    dirty && !leaving.current && currentLocation.pathname !== nextLocation.pathname);
}

export function PromptPage() {
  const { id = "new" } = useParams();
  const isNew = id === "new";
  const navigate = useNavigate();
  const queries = useQueryClient();
  const renameId = useId();
  const prompt = useQuery({ queryKey: ["prompt", id], queryFn: () => api<Prompt>(`/prompts/${id}`), enabled: !isNew });
  useTitle(isNew ? "New prompt" : prompt.data?.name, "Prompts");
  const [name, setName] = useState("");
  const [body, setBody] = useState<PromptBody>(STARTER);
  const [saved, setSaved] = useState<string | null>(null);
  const [newName, setNewName] = useState<string | null>(null); // the rename form, while open
  const [askDelete, setAskDelete] = useState(false);
  const leaving = useRef(false); // set just before a navigation this page makes itself
  useEffect(() => {
    if (prompt.data?.latest_version) setBody(prompt.data.latest_version.body);
  }, [prompt.data?.latest_version?.id]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => { leaving.current = false; }, [id]);

  const latest = prompt.data?.latest_version ?? null;
  const dirty = isNew ? name.trim() !== "" || !isBlank(body) : latest !== null && !sameBody(body, latest.body);
  const blocker = useLeaveGuard(dirty, leaving);

  const save = useMutation({
    mutationFn: async () => {
      if (isNew) return { created: await api<Prompt>("/prompts", { method: "POST", json: { name, ...body } }) };
      const v = await api<{ version: PromptVersion; created: boolean }>(`/prompts/${id}/versions`, { method: "POST", json: body });
      return { version: v };
    },
    onSuccess: (result) => {
      queries.invalidateQueries({ queryKey: ["prompts"] });
      queries.invalidateQueries({ queryKey: ["prompt", id] });
      if (result.created) {
        leaving.current = true;
        navigate(`/prompts/${result.created.id}`, { replace: true });
      } else if (result.version) setSaved(result.version.created ? `Saved as version ${result.version.version.version}` : `Unchanged: still version ${result.version.version.version}`);
    },
  });
  const rename = useMutation({
    mutationFn: (to: string) => api<Prompt>(`/prompts/${id}`, { method: "PATCH", json: { name: to } }),
    onSuccess: (renamed) => {
      queries.setQueryData(["prompt", id], renamed);
      setNewName(null);
    },
  });
  const remove = useMutation({
    mutationFn: () => api<void>(`/prompts/${id}`, { method: "DELETE" }),
    onSuccess: () => {
      leaving.current = true;
      setAskDelete(false);
      queries.removeQueries({ queryKey: ["prompt", id] });
      navigate("/prompts", { replace: true, state: { notice: `Deleted the prompt “${prompt.data?.name ?? ""}”. Runs that used it keep their own copy of the template.` } satisfies NoticeState });
    },
  });

  if (!isNew && prompt.isPending) return <Loading what="Loading the prompt" />;
  if (!isNew && prompt.error) return <ErrorPage error={prompt.error} back={{ to: "/prompts", label: "Go to the prompts" }} />;
  const title = isNew ? "New prompt" : prompt.data?.name ?? "";
  const label = isNew ? name.trim() || "new prompt" : dirty || !latest ? `${title} (unsaved)` : `${title} v${latest.version}`;
  return (
    <div className="page">
      <p className="crumbs"><Link to="/prompts">Prompts</Link> /</p>
      <div className="title-row">
        <h1>{title}</h1>
        {latest && <span className="muted">version {latest.version}</span>}
        {!isNew && (
          newName === null ? (
            <div className="prompt-admin">
              <button type="button" onClick={() => { rename.reset(); setNewName(title); }}>Rename</button>
              <button type="button" className="danger" onClick={() => { remove.reset(); setAskDelete(true); }}>Delete</button>
            </div>
          ) : (
            <form className="prompt-admin" aria-label="Rename prompt"
              onSubmit={(e) => { e.preventDefault(); if (newName.trim()) rename.mutate(newName.trim()); }}>
              <div className="field">
                <label htmlFor={renameId}>New name</label>
                <input id={renameId} required maxLength={200} value={newName} autoFocus
                  onChange={(e) => setNewName(e.target.value)}
                  onKeyDown={(e) => { if (e.key === "Escape") setNewName(null); }} />
              </div>
              <button type="submit" className="primary" disabled={rename.isPending}>Save name</button>
              <button type="button" onClick={() => setNewName(null)}>Cancel</button>
            </form>
          )
        )}
      </div>
      {rename.error && <ErrorBox error={rename.error} title="The prompt was not renamed" />}
      <div className="two-col">
        <form className="panel" aria-label="Prompt editor" onSubmit={(e) => { e.preventDefault(); save.mutate(); }}>
          {isNew && <label>Name<input required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} /></label>}
          <BodyEditor body={body} onChange={(b) => { setBody(b); setSaved(null); }} />
          <div className="actions">
            <button type="submit" className="primary" disabled={save.isPending}>{isNew ? "Create prompt" : "Save new version"}</button>
            {!isNew && <Link className="button" to={`/runs/new?prompt_version=${latest?.id ?? ""}`}>Launch a run</Link>}
          </div>
          {dirty && !isNew && <p className="muted" role="status">Unsaved changes</p>}
          {saved && <p role="status">{saved}</p>}
          {save.error && <ErrorBox error={save.error} title="The prompt was not saved" />}
        </form>
        <PreviewPanel body={body} label={label} />
      </div>
      {!isNew && <PromptVersions promptId={id} />}
      <ConfirmDialog open={askDelete} title={`Delete “${title}”?`} confirm={remove.isPending ? "Deleting…" : "Delete prompt"} danger
        onCancel={() => setAskDelete(false)} onConfirm={() => remove.mutate()}>
        <p>The prompt and its {latest?.version ?? 0} version{latest?.version === 1 ? "" : "s"} will be deleted. Runs that used it keep their own copy of the template.</p>
        {remove.error && <ErrorBox error={remove.error} title="The prompt was not deleted" />}
      </ConfirmDialog>
      <ConfirmDialog open={blocker.state === "blocked"} title="Leave without saving?" confirm="Leave without saving"
        cancel="Stay on this page" danger onCancel={() => blocker.reset?.()} onConfirm={() => blocker.proceed?.()}>
        <p>Your edits to this prompt are not saved. Stay and save a new version to keep them.</p>
      </ConfirmDialog>
    </div>
  );
}
