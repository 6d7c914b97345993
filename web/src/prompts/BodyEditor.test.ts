import { describe, expect, it } from "vitest";
import { bodyText } from "./BodyEditor";

describe("bodyText", () => {
  it("is the text of a plain template, or empty without one", () => {
    expect(bodyText({ text: "Hi {{name}}" })).toBe("Hi {{name}}");
    expect(bodyText({})).toBe("");
  });

  it("labels each chat message with its role, a blank line between messages", () => {
    expect(bodyText({ messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Capital of {{country}}?" },
    ] })).toBe("[system]\nBe brief.\n\n[user]\nCapital of {{country}}?");
  });

  it("uses the messages even when empty", () => {
    expect(bodyText({ text: "ignored", messages: [] })).toBe("");
  });
});
