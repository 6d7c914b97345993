import { describe, expect, it } from "vitest";
import { chatToText, isBlank, renderable, sameBody } from "./body";

describe("sameBody", () => {
  it("compares the template only, text with text and messages with messages", () => {
    expect(sameBody({ text: "a" }, { text: "a" })).toBe(true);
    expect(sameBody({ text: "a" }, { text: "a " })).toBe(false);
    expect(sameBody({ text: "a" }, { messages: [{ role: "user", content: "a" }] })).toBe(false);
    expect(sameBody({}, { text: "" })).toBe(true);
  });

  it("sees a changed role, content or order of messages", () => {
    const chat = { messages: [{ role: "system" as const, content: "s" }, { role: "user" as const, content: "u" }] };
    expect(sameBody(chat, structuredClone(chat))).toBe(true);
    expect(sameBody(chat, { messages: [{ role: "user", content: "s" }, { role: "user", content: "u" }] })).toBe(false);
    expect(sameBody(chat, { messages: [...chat.messages].reverse() })).toBe(false);
  });
});

describe("isBlank and renderable", () => {
  it("a blank template has nothing but white space", () => {
    expect(isBlank({ text: "" })).toBe(true);
    expect(isBlank({ text: " \n" })).toBe(true);
    expect(isBlank({ text: "x" })).toBe(false);
    expect(isBlank({ messages: [{ role: "user", content: "" }] })).toBe(true);
    expect(isBlank({ messages: [{ role: "user", content: "" }, { role: "user", content: "x" }] })).toBe(false);
  });

  it("the server renders any chat with a message, and any text but the empty one", () => {
    expect(renderable({ text: "" })).toBe(false);
    expect(renderable({ text: " " })).toBe(true);
    expect(renderable({ messages: [] })).toBe(false);
    expect(renderable({ messages: [{ role: "user", content: "" }] })).toBe(true);
  });
});

describe("chatToText", () => {
  it("is lossless for a single user message, which is what a text template is sent as", () => {
    expect(chatToText([{ role: "user", content: "Hi {{x}}" }])).toEqual({ text: "Hi {{x}}", lossless: true });
    expect(chatToText([])).toEqual({ text: "", lossless: true });
  });

  it("loses the roles of anything else, joining the contents with blank lines", () => {
    expect(chatToText([{ role: "system", content: "Be brief." }])).toEqual({ text: "Be brief.", lossless: false });
    expect(chatToText([{ role: "user", content: "a" }, { role: "user", content: "b" }]))
      .toEqual({ text: "a\n\nb", lossless: false });
  });
});
