// Short names for models in lists, where a full `openrouter:vendor/model` does not fit.

/** A model label without `openrouter:` and its vendor: "openrouter:openai/gpt-4o" → "gpt-4o". */
export function shortModel(label: string): string {
  return label.replace(/^openrouter:/, "").replace(/^[^/:]+\//, "");
}

/** "gpt-4o-mini, claude-3.5-haiku +2": the first two models, then how many more. */
export function modelsText(labels: string[]): string {
  const short = labels.map(shortModel);
  return short.length <= 2 ? short.join(", ") : `${short.slice(0, 2).join(", ")} +${short.length - 2}`;
}
