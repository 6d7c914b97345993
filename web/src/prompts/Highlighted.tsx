import { pieces } from "./template";

/**
 * A template with its variables marked: test-set variables in one colour (missing ones
 * flagged), names the template sets itself (loop variables, `set`) and tag syntax in others.
 */
export function Highlighted({ text, missing }: { text: string; missing: Set<string> }) {
  return (
    <pre className="template" role="figure" aria-label="Template with variables highlighted">
      {pieces(text).map((p, i) => {
        if (p.kind === "variable") {
          const lacking = missing.has(p.variable!);
          return (
            <mark key={i} className={lacking ? "var missing" : "var"}
              title={lacking ? `some cases have no "${p.variable}": their calls fail` : `variable ${p.variable}`}>
              {p.text}
            </mark>
          );
        }
        if (p.kind === "local") return <span key={i} className="tpl-local" title="set by the template itself, not a test-set variable">{p.text}</span>;
        if (p.kind === "syntax") return <span key={i} className="tpl-syntax">{p.text}</span>;
        if (p.kind === "comment") return <span key={i} className="tpl-comment">{p.text}</span>;
        return <span key={i}>{p.text}</span>;
      })}
    </pre>
  );
}
