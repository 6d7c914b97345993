// Runtime settings from an optional `config.json` beside index.html, so one build serves every
// deployment: `assay up` needs none; a static host names its API and Supabase project there.

export interface RuntimeConfig {
  apiBaseUrl: string;
  supabaseUrl: string | null;
  supabaseAnonKey: string | null;
}

let loaded: RuntimeConfig = { apiBaseUrl: "", supabaseUrl: null, supabaseAnonKey: null };

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() ? value.trim().replace(/\/+$/, "") : null;
}

/** Reads config.json once; a missing or unreadable file means "same origin, no Supabase". */
export async function loadConfig(): Promise<RuntimeConfig> {
  try {
    const response = await fetch(`${import.meta.env.BASE_URL}config.json`, { cache: "no-store" });
    if (response.ok) {
      const raw = (await response.json()) as Record<string, unknown>;
      loaded = {
        apiBaseUrl: text(raw.apiBaseUrl) ?? "",
        supabaseUrl: text(raw.supabaseUrl),
        supabaseAnonKey: text(raw.supabaseAnonKey),
      };
    }
  } catch {
    // No config file (the local default): keep the same-origin settings.
  }
  return loaded;
}

export function config(): RuntimeConfig {
  return loaded;
}
