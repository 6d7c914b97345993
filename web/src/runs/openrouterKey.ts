// Whether a launch can reach OpenRouter: the server says if it has a key; the models say if one is needed.

import type { Me, Model } from "../api/types";

/** The picked models that need the server's OpenRouter key. */
export function openrouterModels(models: Model[]): string[] {
  return models.filter((m) => m.id.startsWith("openrouter:")).map((m) => m.id);
}

/** The picked models that cannot run because the server has no OpenRouter key; empty when all can. */
export function blockedByMissingKey(me: Me | null, models: Model[]): string[] {
  return me?.openrouter_key === "missing" ? openrouterModels(models) : [];
}
