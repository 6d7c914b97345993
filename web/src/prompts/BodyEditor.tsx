import type { Message, PromptBody } from "../api/types";

const ROLES: Message["role"][] = ["system", "user", "assistant"];

/** Edits a template as plain text or as chat messages (system / user / assistant). */
export function BodyEditor({ body, onChange }: { body: PromptBody; onChange: (b: PromptBody) => void }) {
  const chat = body.messages !== undefined;
  const messages = body.messages ?? [];
  const setMessage = (i: number, m: Partial<Message>) =>
    onChange({ messages: messages.map((x, j) => (j === i ? { ...x, ...m } : x)) });
  return (
    <div className="body-editor">
      <fieldset className="inline">
        <legend>Format</legend>
        <label><input type="radio" checked={!chat} onChange={() => onChange({ text: messages.map((m) => m.content).join("\n\n") })} /> Text</label>
        <label><input type="radio" checked={chat} onChange={() => onChange({ messages: [{ role: "user", content: body.text ?? "" }] })} /> Chat messages</label>
      </fieldset>
      {!chat ? (
        <label>Template
          <textarea className="code" rows={10} value={body.text ?? ""} spellCheck={false}
            onChange={(e) => onChange({ text: e.target.value })} />
        </label>
      ) : (
        <>
          {messages.map((m, i) => (
            <div className="message" key={i}>
              <label>Role
                <select value={m.role} onChange={(e) => setMessage(i, { role: e.target.value as Message["role"] })}>
                  {ROLES.map((r) => <option key={r}>{r}</option>)}
                </select>
              </label>
              <label className="grow">Message {i + 1}
                <textarea className="code" rows={4} value={m.content} spellCheck={false} onChange={(e) => setMessage(i, { content: e.target.value })} />
              </label>
              <button type="button" aria-label={`Remove message ${i + 1}`} disabled={messages.length === 1}
                onClick={() => onChange({ messages: messages.filter((_, j) => j !== i) })}>✕</button>
            </div>
          ))}
          <button type="button" onClick={() => onChange({ messages: [...messages, { role: "user", content: "" }] })}>Add message</button>
        </>
      )}
    </div>
  );
}

export function bodyText(body: PromptBody): string {
  return body.messages ? body.messages.map((m) => `[${m.role}]\n${m.content}`).join("\n\n") : body.text ?? "";
}
