// A prompt body as the editor holds it: plain text or chat messages.

import type { Message, PromptBody } from "../api/types";

function canonical(body: PromptBody): PromptBody {
  return body.messages !== undefined
    ? { messages: body.messages.map((m) => ({ role: m.role, content: m.content })) }
    : { text: body.text ?? "" };
}

/** Whether two bodies are the same template (what a save would compare). */
export function sameBody(a: PromptBody, b: PromptBody): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** Whether nothing has been written yet. */
export function isBlank(body: PromptBody): boolean {
  return body.messages !== undefined ? body.messages.every((m) => m.content.trim() === "") : (body.text ?? "").trim() === "";
}

/** Whether the server can render it: a text template must not be empty, a chat must have a message. */
export function renderable(body: PromptBody): boolean {
  return body.messages !== undefined ? body.messages.length > 0 : (body.text ?? "") !== "";
}

/**
 * Chat messages as one text template: their contents, a blank line between. Lossless only for a
 * single user message (what a text template is sent as); otherwise the roles are lost.
 */
export function chatToText(messages: Message[]): { text: string; lossless: boolean } {
  return {
    text: messages.map((m) => m.content).join("\n\n"),
    lossless: messages.length === 0 || (messages.length === 1 && messages[0].role === "user"),
  };
}
