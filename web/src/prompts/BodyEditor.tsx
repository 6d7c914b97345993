import { useId, useState } from "react";
import type { Message, PromptBody } from "../api/types";
import { chatToText } from "./body";
import { ConfirmDialog } from "./ConfirmDialog";
import "./prompts.css";

const ROLES: Message["role"][] = ["system", "user", "assistant"];

/** Edits a template as plain text or as chat messages (system / user / assistant). */
export function BodyEditor({ body, onChange }: { body: PromptBody; onChange: (b: PromptBody) => void }) {
  const id = useId();
  const [askText, setAskText] = useState(false);
  const chat = body.messages !== undefined;
  const messages = body.messages ?? [];
  const setMessage = (i: number, m: Partial<Message>) =>
    onChange({ messages: messages.map((x, j) => (j === i ? { ...x, ...m } : x)) });
  const toText = () => {
    const { text, lossless } = chatToText(messages);
    if (lossless) onChange({ text });
    else setAskText(true);
  };
  const roles = [...new Set(messages.map((m) => m.role))];
  return (
    <div className="body-editor">
      <fieldset className="inline">
        <legend>Format</legend>
        <label><input type="radio" name={`${id}-format`} checked={!chat} onChange={toText} /> Text</label>
        <label><input type="radio" name={`${id}-format`} checked={chat} onChange={() => onChange({ messages: [{ role: "user", content: body.text ?? "" }] })} /> Chat messages</label>
      </fieldset>
      {!chat ? (
        <div className="field">
          <label htmlFor={`${id}-text`}>Template</label>
          <textarea id={`${id}-text`} className="code" rows={10} value={body.text ?? ""} spellCheck={false}
            onChange={(e) => onChange({ text: e.target.value })} />
        </div>
      ) : (
        <>
          {messages.map((m, i) => (
            <div className="message" key={i}>
              <div className="field">
                <label htmlFor={`${id}-role-${i}`}>Role<span className="sr-only"> of message {i + 1}</span></label>
                <select id={`${id}-role-${i}`} value={m.role} onChange={(e) => setMessage(i, { role: e.target.value as Message["role"] })}>
                  {ROLES.map((r) => <option key={r}>{r}</option>)}
                </select>
              </div>
              <div className="field grow">
                <label htmlFor={`${id}-message-${i}`}>Message {i + 1}</label>
                <textarea id={`${id}-message-${i}`} className="code" rows={4} value={m.content} spellCheck={false}
                  onChange={(e) => setMessage(i, { content: e.target.value })} />
              </div>
              <button type="button" aria-label={`Remove message ${i + 1}`} disabled={messages.length === 1}
                onClick={() => onChange({ messages: messages.filter((_, j) => j !== i) })}>✕</button>
            </div>
          ))}
          <button type="button" onClick={() => onChange({ messages: [...messages, { role: "user", content: "" }] })}>Add message</button>
        </>
      )}
      <ConfirmDialog open={askText} title="Switch to a text template?" confirm="Switch to text" cancel="Keep chat messages"
        onCancel={() => setAskText(false)}
        onConfirm={() => { setAskText(false); onChange({ text: chatToText(messages).text }); }}>
        <p>
          A text template is sent as one user message. The {messages.length} messages' contents will be joined,
          a blank line between them, and their roles ({roles.join(", ")}) will be lost.
        </p>
        <p className="muted">Nothing is saved until you save a new version.</p>
      </ConfirmDialog>
    </div>
  );
}

export function bodyText(body: PromptBody): string {
  return body.messages ? body.messages.map((m) => `[${m.role}]\n${m.content}`).join("\n\n") : body.text ?? "";
}
