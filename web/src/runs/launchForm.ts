// The launch form's own checks, made before anything is sent: the bounds the API's RunCreate
// sets (src/assay/http/schemas/runs.py), and model ids it can call.

export interface Bounds {
  min: number;
  max: number;
}

export const REPEATS: Bounds = { min: 1, max: 100 };
export const CONCURRENCY: Bounds = { min: 1, max: 500 };
/** The longest model id the API takes. */
export const MAX_MODEL_ID = 300;

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

/** The whole number typed in the box called `label`, or a sentence saying what it must be. */
export function wholeNumber(label: string, text: string, { min, max }: Bounds): Checked<number> {
  const value = Number(text.trim());
  if (text.trim() !== "" && Number.isInteger(value) && value >= min && value <= max) return { ok: true, value };
  return { ok: false, problem: `${label} must be a whole number from ${min} to ${max}.` };
}

/**
 * The model id a person typed, as a run names it: `vendor/model` (with any `:variant`, as
 * OpenRouter writes `…:free`) is an OpenRouter model; `openrouter:…` as typed; `local:…` only
 * when it is one of `localIds` (null while they are not known); nothing else.
 */
export function modelId(typed: string, localIds: readonly string[] | null): Checked<string> {
  const text = typed.trim();
  if (!text) return { ok: false, problem: "Type a model id first, for example openai/gpt-4o-mini." };
  if (/\s/.test(text)) return { ok: false, problem: `“${text}” is not a model id: a model id has no spaces.` };
  const colon = text.indexOf(":");
  const prefix = colon < 0 ? "" : text.slice(0, colon);
  const id = colon < 0 || prefix.includes("/") ? `openrouter:${text}` : `${prefix.toLowerCase()}${text.slice(colon)}`;
  const name = id.slice(id.indexOf(":") + 1);
  if (id.length > MAX_MODEL_ID) return { ok: false, problem: `That model id is too long: at most ${MAX_MODEL_ID} characters.` };
  if (id.startsWith("openrouter:")) {
    return name ? { ok: true, value: id } : { ok: false, problem: "Write the model after openrouter:, for example openrouter:openai/gpt-4o-mini." };
  }
  if (id.startsWith("local:")) {
    if (localIds === null) return { ok: false, problem: "The list of offline local: models has not loaded yet; try again in a moment." };
    if (localIds.includes(id)) return { ok: true, value: id };
    const known = localIds.length ? `: the offline models are ${localIds.join(", ")}` : ": this server has none";
    return { ok: false, problem: `“${text}” is not one of the offline local: models${known}.` };
  }
  return {
    ok: false,
    problem: `“${text}” is not a model Assay can call. Type an OpenRouter model as vendor/model (for example openai/gpt-4o-mini), ` +
      "or pick one of the local: models in the list.",
  };
}
