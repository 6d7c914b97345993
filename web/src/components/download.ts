import { api, type Query } from "../api/client";

/** Fetches an export with the caller's credentials and saves it under `filename`. */
export async function download(path: string, query: Query, filename: string): Promise<void> {
  try {
    const text = await api<string>(path, { query, raw: true });
    const href = URL.createObjectURL(new Blob([text]));
    const a = document.createElement("a");
    a.href = href;
    a.download = filename;
    a.click();
    URL.revokeObjectURL(href);
  } catch (e) {
    window.alert(e instanceof Error ? e.message : String(e));
  }
}
