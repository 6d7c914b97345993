import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { backTo, explain } from "./errors";

const badId = new ApiError(422, "validation_error",
  "invalid request: path.run_id: Input should be a valid UUID, invalid character: found `n` at 0",
  { errors: [{ loc: ["path", "run_id"], type: "uuid_parsing", message: "Input should be a valid UUID" }] });

describe("explain", () => {
  it("turns an id that is not an id into a sentence about the address", () => {
    const e = explain(badId);
    expect(e.kind).toBe("bad-address");
    expect(e.title).toBe("No such run");
    expect(e.sentence).toMatch(/^This address does not name a run/);
    expect(e.sentence).not.toContain("UUID");
    expect(e.technical).toContain("path.run_id");
  });

  it("names the thing in a bad test set address, with the right article", () => {
    const e = explain(new ApiError(400, "validation_error", "bad", { errors: [{ loc: ["path", "test_set_id"] }] }));
    expect(e.sentence).toMatch(/^This address does not name a test set/);
    expect(explain(new ApiError(422, "validation_error", "bad", { errors: [{ loc: ["path", "key_id"] }] })).sentence)
      .toMatch(/^This address does not name an API key/);
  });

  it("says a missing run may be someone else's, from the detail key", () => {
    const e = explain(new ApiError(404, "not_found", "run e8b4 not found", { run_id: "e8b4" }));
    expect(e.kind).toBe("not-found");
    expect(e.title).toBe("Run not found");
    expect(e.sentence).toContain("workspace you are not a member of");
    expect(e.thing).toBe("run");
  });

  it("falls back to the message's first word for the thing, then to a page", () => {
    expect(explain(new ApiError(404, "not_found", "prompt 1 not found")).title).toBe("Prompt not found");
    expect(explain(new ApiError(404, "not_found", "nothing here")).title).toBe("Page not found");
  });

  it("explains sign-in, permission, server and network failures", () => {
    expect(explain(new ApiError(401, "unauthorized", "token expired")).kind).toBe("sign-in");
    expect(explain(new ApiError(403, "forbidden", "viewer")).title).toBe("Not allowed");
    const server = explain(new ApiError(502, "http_error", "502 Bad Gateway: no body"));
    expect(server.kind).toBe("server");
    expect(server.technical).toContain("502 Bad Gateway");
    const offline = explain(new ApiError(0, "network_error", "Cannot reach the Assay API."));
    expect(offline.kind).toBe("network");
    expect(offline.technical).toBeNull();
  });

  it("keeps the API's own words for a refusal it explains, without the 'invalid request' prefix", () => {
    const e = explain(new ApiError(422, "validation_error", "invalid request: body.name: too long",
      { errors: [{ loc: ["body", "name"], message: "too long" }] }));
    expect(e.kind).toBe("other");
    expect(e.title).toBeNull();
    expect(e.sentence).toBe("body.name: too long");
  });

  it("shows a plain Error's message and nothing technical", () => {
    expect(explain(new Error("Choose a run first."))).toMatchObject({ kind: "other", sentence: "Choose a run first.", technical: null });
    expect(explain("boom").sentence).toBe("boom");
  });
});

describe("backTo", () => {
  it("leads back to the list the thing lives in", () => {
    expect(backTo("run").to).toBe("/runs");
    expect(backTo("test set").to).toBe("/test-sets");
    expect(backTo("prompt").to).toBe("/prompts");
    expect(backTo(null).to).toBe("/runs");
  });
});
