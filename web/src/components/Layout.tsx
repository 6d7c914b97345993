import type { ReactNode } from "react";
import { NavLink } from "react-router-dom";
import { useMe } from "../auth/AuthGate";
import { session, setSession } from "../auth/session";
import { setWorkspace } from "../api/client";
import { useQueryClient } from "@tanstack/react-query";

const LINKS = [
  ["/runs", "Runs"],
  ["/test-sets", "Test sets"],
  ["/prompts", "Prompts"],
  ["/settings", "Settings"],
] as const;

export function Layout({ children }: { children: ReactNode }) {
  const me = useMe();
  const queries = useQueryClient();
  const signedIn = session();
  return (
    <div className="shell">
      <a className="skip" href="#main">Skip to content</a>
      <header className="topbar">
        <NavLink to="/runs" className="brand">Assay</NavLink>
        <nav aria-label="Main">
          {LINKS.map(([to, label]) => (
            <NavLink key={to} to={to}>{label}</NavLink>
          ))}
        </nav>
        <div className="who">
          {me && me.workspaces.length > 1 && (
            <label>
              <span className="sr-only">Workspace</span>
              <select
                value={me.workspace_id}
                onChange={(e) => {
                  setWorkspace(e.target.value);
                  queries.invalidateQueries();
                }}
              >
                {me.workspaces.map((w) => (
                  <option key={w.id} value={w.id}>{w.name}</option>
                ))}
              </select>
            </label>
          )}
          {me?.actor === "local" && <span className="muted">local mode</span>}
          {signedIn && (
            <>
              <span className="muted">{signedIn.email ?? "API key"}</span>
              <button type="button" className="link" onClick={() => setSession(null)}>Sign out</button>
            </>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>{children}</main>
    </div>
  );
}
