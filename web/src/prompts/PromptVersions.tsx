import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import type { Page, PromptVersion } from "../api/types";
import { ErrorBox, Loading } from "../components/States";
import { TextDiff } from "../components/TextDiff";
import { when } from "../components/format";
import { bodyText } from "./BodyEditor";

/** A prompt's versions, newest first, with a diff between any two. */
export function PromptVersions({ promptId }: { promptId: string }) {
  const versions = useQuery({
    queryKey: ["prompt", promptId, "versions"],
    queryFn: () => api<Page<PromptVersion>>(`/prompts/${promptId}/versions`, { query: { limit: 100 } }),
  });
  const [base, setBase] = useState("");
  const [head, setHead] = useState("");
  if (versions.isPending) return <Loading what="Loading versions" />;
  if (versions.error) return <ErrorBox error={versions.error} />;
  const items = versions.data.items;
  const b = items.find((v) => v.id === base) ?? items[1];
  const h = items.find((v) => v.id === head) ?? items[0];
  const pick = (label: string, value: PromptVersion | undefined, set: (id: string) => void) => (
    <label>{label}
      <select value={value?.id ?? ""} onChange={(e) => set(e.target.value)}>
        {items.map((v) => <option key={v.id} value={v.id}>v{v.version} · {when(v.created_at)}</option>)}
      </select>
    </label>
  );
  return (
    <section className="panel" aria-labelledby="versions-title">
      <h2 id="versions-title">Version history</h2>
      <ul className="plain">
        {items.map((v) => <li key={v.id}>v{v.version} · {when(v.created_at)} · {v.variables.join(", ") || "no variables"}</li>)}
      </ul>
      {items.length > 1 && b && h && (
        <>
          <div className="inline-form">{pick("From", b, setBase)}{pick("To", h, setHead)}</div>
          <TextDiff lines leftLabel={`v${b.version}`} rightLabel={`v${h.version}`} left={bodyText(b.body)} right={bodyText(h.body)} />
        </>
      )}
    </section>
  );
}
