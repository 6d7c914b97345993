import { pieces } from "./template";

/** A template with its variables marked: known ones in one colour, missing ones flagged. */
export function Highlighted({ text, missing }: { text: string; missing: Set<string> }) {
  return (
    <pre className="template" role="figure" aria-label="Template with variables highlighted">
      {pieces(text).map((p, i) =>
        p.variable ? (
          <mark key={i} className={missing.has(p.variable) ? "var missing" : "var"}
            title={missing.has(p.variable) ? `some cases have no "${p.variable}"` : p.variable}>
            {p.text}
          </mark>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </pre>
  );
}
