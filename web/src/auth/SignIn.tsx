import { useState, type FormEvent } from "react";
import { config } from "../config";
import { setSession, signInWithPassword } from "./session";

/** Email + password through Supabase Auth, or an Assay API key when no Supabase is configured. */
export function SignIn({ reason }: { reason: string | null }) {
  const supabase = config().supabaseUrl;
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [apiKey, setApiKey] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (apiKey.trim()) setSession({ token: apiKey.trim(), email: null, expiresAt: null });
      else await signInWithPassword(email, password);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="page narrow signin">
      <h1>Sign in to Assay</h1>
      {reason && <p className="state error" role="alert">{reason}</p>}
      <form onSubmit={submit} aria-label="Sign in">
        {supabase ? (
          <>
            <label>
              Email
              <input type="email" autoComplete="username" required={!apiKey} value={email}
                onChange={(e) => setEmail(e.target.value)} />
            </label>
            <label>
              Password
              <input type="password" autoComplete="current-password" required={!apiKey}
                value={password} onChange={(e) => setPassword(e.target.value)} />
            </label>
          </>
        ) : (
          <p className="muted">
            This API requires credentials. No Supabase project is configured for this dashboard
            (config.json), so sign in with an Assay API key.
          </p>
        )}
        <details open={!supabase}>
          <summary>Use an API key instead</summary>
          <label>
            API key
            <input type="password" value={apiKey} placeholder="ak_…" onChange={(e) => setApiKey(e.target.value)} />
          </label>
        </details>
        {error && <p className="state error" role="alert">{error}</p>}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
