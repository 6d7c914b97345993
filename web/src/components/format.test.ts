import { describe, expect, it } from "vitest";
import { duration, errorLine, int, ms, pct, plural, show, usd, when } from "./format";

describe("usd", () => {
  it("shows a dash for a missing cost and a bare $0 for zero", () => {
    expect(usd(null)).toBe("—");
    expect(usd(undefined)).toBe("—");
    expect(usd(0)).toBe("$0");
  });

  it("keeps two significant digits below a cent", () => {
    expect(usd(0.001234)).toBe("$0.0012");
    expect(usd(0.00999)).toBe("$0.010");
  });

  it("shows four decimals under $10 and two from $10", () => {
    expect(usd(0.01)).toBe("$0.0100");
    expect(usd(1.23456)).toBe("$1.2346");
    expect(usd(12.5)).toBe("$12.50");
    expect(usd(1234)).toBe("$1234.00");
  });
});

describe("pct", () => {
  it("formats a fraction with one decimal, and zero is not missing", () => {
    expect(pct(1 / 3)).toBe("33.3%");
    expect(pct(1)).toBe("100.0%");
    expect(pct(0)).toBe("0.0%");
    expect(pct(0.9996)).toBe("100.0%");
  });

  it("shows a dash when there is no rate", () => {
    expect(pct(null)).toBe("—");
    expect(pct(undefined)).toBe("—");
  });
});

describe("ms", () => {
  it("rounds to whole milliseconds below a second", () => {
    expect(ms(0)).toBe("0 ms");
    expect(ms(12.4)).toBe("12 ms");
    expect(ms(12.5)).toBe("13 ms");
  });

  it("switches to seconds with two decimals from 1000 ms", () => {
    expect(ms(1000)).toBe("1.00 s");
    expect(ms(1234)).toBe("1.23 s");
    expect(ms(65_000)).toBe("65.00 s");
  });

  it("shows a dash for a missing latency", () => {
    expect(ms(null)).toBe("—");
  });
});

describe("int", () => {
  it("keeps every digit of a count and shows a dash when missing", () => {
    expect(int(0)).toBe("0");
    expect(int(42)).toBe("42");
    expect(int(1_234_567).replace(/\D/g, "")).toBe("1234567");
    expect(int(null)).toBe("—");
  });
});

describe("show", () => {
  it("passes strings through and prints nothing for null or undefined", () => {
    expect(show("Paris")).toBe("Paris");
    expect(show("")).toBe("");
    expect(show(null)).toBe("");
    expect(show(undefined)).toBe("");
  });

  it("writes other values as JSON", () => {
    expect(show(0)).toBe("0");
    expect(show(false)).toBe("false");
    expect(show([1, "a"])).toBe('[1,"a"]');
    expect(show({ city: "Rome" })).toBe('{"city":"Rome"}');
  });
});

describe("duration", () => {
  it("shows a dash for impossible durations", () => {
    expect(duration(NaN)).toBe("—");
    expect(duration(Infinity)).toBe("—");
    expect(duration(-1)).toBe("—");
  });

  it("counts seconds, then minutes and seconds, then hours and minutes", () => {
    expect(duration(0)).toBe("0.0 s");
    expect(duration(0.44)).toBe("0.4 s");
    expect(duration(9.94)).toBe("9.9 s");
    expect(duration(9.96)).toBe("10 s");
    expect(duration(59.4)).toBe("59 s");
    expect(duration(60)).toBe("1 min 0 s");
    expect(duration(125)).toBe("2 min 5 s");
    expect(duration(3599)).toBe("59 min 59 s");
    expect(duration(3600)).toBe("1 h 0 min");
    expect(duration(3725)).toBe("1 h 2 min");
  });

  it("carries a rounded-up second into the next minute", () => {
    expect(duration(59.6)).toBe("1 min 0 s");
    expect(duration(119.6)).toBe("2 min 0 s");
    expect(duration(3599.7)).toBe("1 h 0 min");
  });
});

describe("when", () => {
  it("shows a dash when there is no timestamp", () => {
    expect(when(null)).toBe("—");
    expect(when(undefined)).toBe("—");
    expect(when("")).toBe("—");
  });

  it("formats a timestamp with its year and time", () => {
    const text = when("2024-03-05T14:30:00Z");
    expect(text).toContain("2024");
    expect(text).toMatch(/\d{1,2}:\d{2}/);
  });
});

describe("errorLine", () => {
  it("names the line, column and location before the message", () => {
    expect(errorLine({ line: 3, message: "bad quote" })).toBe("line 3: bad quote");
    expect(errorLine({ line: 0, message: "header" })).toBe("line 0: header");
    expect(errorLine({ line: 2, column: "country", message: "missing" })).toBe("line 2, column country: missing");
    expect(errorLine({ loc: ["cases", 1, "vars"], message: "not a mapping" })).toBe("cases.1.vars: not a mapping");
  });

  it("falls back to the message, then to the entry as JSON", () => {
    expect(errorLine({ line: null, message: "only a message" })).toBe("only a message");
    expect(errorLine({ code: "x" })).toBe('{"code":"x"}');
  });

  it("prints non-objects as they are", () => {
    expect(errorLine("plain text")).toBe("plain text");
    expect(errorLine(null)).toBe("null");
    expect(errorLine(7)).toBe("7");
  });
});

describe("plural", () => {
  it("uses the singular for exactly one and the plural otherwise, zero included", () => {
    expect(plural(1, "case")).toBe("1 case");
    expect(plural(0, "case")).toBe("0 cases");
    expect(plural(2, "cell")).toBe("2 cells");
  });

  it("takes an irregular plural and groups thousands", () => {
    expect(plural(3, "entry", "entries")).toBe("3 entries");
    expect(plural(1, "entry", "entries")).toBe("1 entry");
    expect(plural(1200, "cell")).toBe((1200).toLocaleString() + " cells");
  });
});
