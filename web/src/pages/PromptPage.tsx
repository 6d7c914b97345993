import { useEffect, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import type { Prompt, PromptBody, PromptVersion } from "../api/types";
import { ErrorBox, Loading } from "../components/States";
import { BodyEditor } from "../prompts/BodyEditor";
import { PreviewPanel } from "../prompts/PreviewPanel";
import { PromptVersions } from "../prompts/PromptVersions";

const STARTER: PromptBody = { text: "" };

export function PromptPage() {
  const { id = "new" } = useParams();
  const isNew = id === "new";
  const navigate = useNavigate();
  const queries = useQueryClient();
  const prompt = useQuery({ queryKey: ["prompt", id], queryFn: () => api<Prompt>(`/prompts/${id}`), enabled: !isNew });
  const [name, setName] = useState("");
  const [body, setBody] = useState<PromptBody>(STARTER);
  const [saved, setSaved] = useState<string | null>(null);
  useEffect(() => {
    if (prompt.data?.latest_version) setBody(prompt.data.latest_version.body);
  }, [prompt.data?.latest_version?.id]); // eslint-disable-line react-hooks/exhaustive-deps

  const save = useMutation({
    mutationFn: async () => {
      if (isNew) return { created: await api<Prompt>("/prompts", { method: "POST", json: { name, ...body } }) };
      const v = await api<{ version: PromptVersion; created: boolean }>(`/prompts/${id}/versions`, { method: "POST", json: body });
      return { version: v };
    },
    onSuccess: (result) => {
      queries.invalidateQueries({ queryKey: ["prompts"] });
      queries.invalidateQueries({ queryKey: ["prompt", id] });
      if (result.created) navigate(`/prompts/${result.created.id}`, { replace: true });
      else if (result.version) setSaved(result.version.created ? `Saved as version ${result.version.version.version}` : `Unchanged: still version ${result.version.version.version}`);
    },
  });

  if (!isNew && prompt.isPending) return <Loading what="Loading the prompt" />;
  if (!isNew && prompt.error) return <div className="page"><ErrorBox error={prompt.error} /></div>;
  const latest = prompt.data?.latest_version ?? null;
  return (
    <div className="page">
      <p className="crumbs"><Link to="/prompts">Prompts</Link> /</p>
      <div className="title-row">
        <h1>{isNew ? "New prompt" : prompt.data?.name}</h1>
        {latest && <span className="muted">version {latest.version}</span>}
      </div>
      <div className="two-col">
        <form className="panel" aria-label="Prompt editor" onSubmit={(e) => { e.preventDefault(); save.mutate(); }}>
          {isNew && <label>Name<input required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} /></label>}
          <BodyEditor body={body} onChange={(b) => { setBody(b); setSaved(null); }} />
          <div className="actions">
            <button type="submit" className="primary" disabled={save.isPending}>{isNew ? "Create prompt" : "Save new version"}</button>
            {!isNew && <Link className="button" to={`/runs/new?prompt_version=${latest?.id ?? ""}`}>Launch a run</Link>}
          </div>
          {saved && <p role="status">{saved}</p>}
          {save.error && <ErrorBox error={save.error} title="The prompt was not saved" />}
        </form>
        <PreviewPanel body={body} promptId={isNew ? null : id} versionId={latest?.id ?? null} />
      </div>
      {!isNew && <PromptVersions promptId={id} />}
    </div>
  );
}
