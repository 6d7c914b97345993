import type { SummaryRow } from "../api/types";
import { int, ms, pct, usd } from "../components/format";

export function SummaryTable({ rows }: { rows: SummaryRow[] }) {
  return (
    <div className="table-scroll" role="region" aria-label="Summary table" tabIndex={0}>
      <table className="data" aria-label="Summary per prompt and model">
        <thead>
          <tr>
            <th scope="col">Prompt</th><th scope="col">Model</th><th scope="col">Pass rate</th><th scope="col">Mean score</th>
            <th scope="col">Passed</th><th scope="col">Failed</th><th scope="col">Errors</th><th scope="col">Cost</th>
            <th scope="col">Tokens in / out</th><th scope="col">p50</th><th scope="col">p95</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.prompt_label}|${r.provider}`}>
              <td>{r.prompt_label}</td><td>{r.provider}</td>
              <td className="num"><strong>{pct(r.pass_rate)}</strong></td>
              <td className="num">{r.mean_score === null ? "—" : r.mean_score.toFixed(2)}</td>
              <td className="num">{int(r.passed)}</td><td className="num">{int(r.failed)}</td><td className="num">{int(r.errors)}</td>
              <td className="num">{usd(r.cost)}</td>
              <td className="num">{int(r.prompt_tokens)} / {int(r.completion_tokens)}</td>
              <td className="num">{ms(r.latency_p50_ms)}</td><td className="num">{ms(r.latency_p95_ms)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
