import { describe, expect, it } from "vitest";
import type { Me, Model } from "../api/types";
import { blockedByMissingKey, openrouterModels } from "./openrouterKey";

function model(id: string): Model {
  return { id, source: id.startsWith("local:") ? "local" : "openrouter", name: null, context_length: null, prompt_price: null, completion_price: null };
}

function me(openrouter_key: Me["openrouter_key"]): Me {
  return { user_id: "u", actor: "local", workspace_id: "w", workspaces: [], openrouter_key };
}

const picked = [model("local:echo"), model("openrouter:openai/gpt-4o-mini"), model("openrouter:anthropic/claude-3.5-haiku")];

describe("openrouterModels", () => {
  it("keeps the openrouter: ids in the order picked", () => {
    expect(openrouterModels(picked)).toEqual(["openrouter:openai/gpt-4o-mini", "openrouter:anthropic/claude-3.5-haiku"]);
    expect(openrouterModels([model("local:echo")])).toEqual([]);
  });
});

describe("blockedByMissingKey", () => {
  it("blocks the openrouter: models when the server has no key", () => {
    expect(blockedByMissingKey(me("missing"), picked)).toEqual(["openrouter:openai/gpt-4o-mini", "openrouter:anthropic/claude-3.5-haiku"]);
  });

  it("blocks nothing when only local: models are picked", () => {
    expect(blockedByMissingKey(me("missing"), [model("local:echo"), model("local:upper")])).toEqual([]);
  });

  it("blocks nothing when the server has a key, or when it is not known", () => {
    expect(blockedByMissingKey(me("configured"), picked)).toEqual([]);
    expect(blockedByMissingKey(null, picked)).toEqual([]);
  });
});
