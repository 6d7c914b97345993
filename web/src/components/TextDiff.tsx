import { diffWordsWithSpace, diffLines } from "diff";

/** Two texts side by side; words only on the left are struck, words only on the right marked. */
export function TextDiff({ left, right, leftLabel, rightLabel, lines = false }: {
  left: string;
  right: string;
  leftLabel: string;
  rightLabel: string;
  lines?: boolean;
}) {
  // Word diffs of very long texts are slow and unreadable; fall back to lines.
  const parts = lines || left.length + right.length > 20_000 ? diffLines(left, right) : diffWordsWithSpace(left, right);
  return (
    <div className="diff">
      <figure>
        <figcaption>{leftLabel}</figcaption>
        <pre>
          {parts.filter((p) => !p.added).map((p, i) =>
            p.removed ? <del key={i}>{p.value}</del> : <span key={i}>{p.value}</span>)}
        </pre>
      </figure>
      <figure>
        <figcaption>{rightLabel}</figcaption>
        <pre>
          {parts.filter((p) => !p.removed).map((p, i) =>
            p.added ? <ins key={i}>{p.value}</ins> : <span key={i}>{p.value}</span>)}
        </pre>
      </figure>
    </div>
  );
}
