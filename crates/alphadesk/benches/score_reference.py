"""Plain pandas reference for the Alpha Score's formulas, timed beside the Rust panel.

    python3 score_reference.py STORE.db FROM TO OUT.csv [HORIZON]

Reads the same SQLite store, computes the momentum, value and quality metrics of
docs/methodology.md for the last trading day of every month in FROM..TO, ranks them
within GICS sector the same way (winsorise at 1%/99%, average ranks for ties, pillar =
mean of metric percentiles re-ranked), and writes `date,ticker,<metric>...` to OUT.csv
so the Rust benchmark can check the numbers agree. With HORIZON it also runs the
backtest on its own scores (forward returns, per-date Spearman IC of the total and
pillars, Alpha Score quintile means). It prints its wall time (store reading
included) on the last line as `seconds=<float>`.

It covers the table path only: tickers whose fundamentals come from SEC XBRL
(Apple, Alphabet) are computed by the Rust code from filings and are left out of
the value/quality comparison; sentiment has no data in 2013-2018 on either side.
"""

import sqlite3
import sys
import time

import numpy as np
import pandas as pd

LAG_DAYS = 90
MAX_PRICE_AGE_DAYS = 7


def main(db, start, end, out, horizon=None):
    t0 = time.perf_counter()
    con = sqlite3.connect(db)
    px = pd.read_sql("SELECT ticker, date, adj_close FROM prices ORDER BY ticker, date", con, parse_dates=["date"])
    sectors = pd.read_sql(
        """SELECT l.ticker, (SELECT sector FROM listings x WHERE x.ticker = l.ticker AND sector IS NOT NULL
                              ORDER BY priority, source_id LIMIT 1) AS sector
           FROM (SELECT DISTINCT ticker FROM price_series) l""",
        con,
    ).dropna()
    annual = pd.read_sql("SELECT ticker, period_end, item, value FROM fundamentals_annual", con, parse_dates=["period_end"])

    # Momentum on each ticker's own bars.
    g = px.groupby("ticker")["adj_close"]
    px["mom_12_1"] = g.shift(21) / g.shift(252) - 1
    px["mom_6_1"] = g.shift(21) / g.shift(126) - 1
    px["dist_52w_high"] = px["adj_close"] / g.transform(lambda s: s.rolling(252, min_periods=252).max()) - 1

    cal = pd.Series(px["date"].unique()).sort_values()
    cal = cal[(cal >= start) & (cal <= end)]
    dates = cal.groupby(cal.dt.to_period("M")).max().sort_values().to_numpy()

    grid = pd.MultiIndex.from_product([dates, sectors["ticker"]], names=["asof", "ticker"]).to_frame(index=False)
    grid = grid.sort_values("asof")
    bars = px.rename(columns={"date": "bar_date"}).sort_values("bar_date")
    panel = pd.merge_asof(grid, bars, left_on="asof", right_on="bar_date", by="ticker", direction="backward")
    panel = panel[(panel["asof"] - panel["bar_date"]).dt.days <= MAX_PRICE_AGE_DAYS]

    # Annual table rows, known LAG_DAYS after period end.
    wide = annual.pivot_table(index=["ticker", "period_end"], columns="item", values="value", aggfunc="first").reset_index()
    wide["known"] = wide["period_end"] + pd.Timedelta(days=LAG_DAYS)
    # The table writes 0 for a line it does not report (UNREPORTED_AS_ZERO in Rust).
    for col in ("Gross Profit", "Operating Income", "Capital Expenditures"):
        wide[col] = wide[col].where(wide[col] != 0)
    wide["gm"] = wide["Gross Profit"] / wide["Total Revenue"].where(wide["Total Revenue"] > 0)
    wide = wide.sort_values(["ticker", "period_end"])
    wide["gm_std"] = wide.groupby("ticker")["gm"].transform(
        lambda s: s.dropna().rolling(4, min_periods=3).std().reindex(s.index)
    )
    debt = wide[["Long-Term Debt", "Short-Term Debt / Current Portion of Long-Term Debt"]]
    wide["debt"] = debt.sum(axis=1, min_count=1)
    fund = wide[["ticker", "known", "Net Income", "Total Equity", "Total Revenue", "Net Cash Flow-Operating",
                 "Capital Expenditures", "Gross Profit", "Total Assets", "debt"]].sort_values("known")
    shares = wide.dropna(subset=["Estimated Shares Outstanding"])[["ticker", "known", "Estimated Shares Outstanding"]]
    margin = wide.dropna(subset=["gm"])[["ticker", "known", "gm_std"]]
    panel = panel.sort_values("asof")
    for f in (fund, shares.sort_values("known"), margin.sort_values("known")):
        panel = pd.merge_asof(panel, f, left_on="asof", right_on="known", by="ticker", direction="backward").drop(columns="known")

    mcap = panel["adj_close"] * panel["Estimated Shares Outstanding"]
    mcap = mcap.where(mcap > 0)
    eq = panel["Total Equity"].where(panel["Total Equity"] > 0)
    assets = panel["Total Assets"].where(panel["Total Assets"] > 0)
    panel["earnings_yield"] = panel["Net Income"] / mcap
    panel["book_to_price"] = panel["Total Equity"] / mcap
    panel["sales_to_price"] = panel["Total Revenue"] / mcap
    panel["fcf_yield"] = (panel["Net Cash Flow-Operating"] + panel["Capital Expenditures"]) / mcap
    panel["roe"] = panel["Net Income"] / eq
    panel["gross_profit_to_assets"] = panel["Gross Profit"] / assets
    panel["accruals"] = (panel["Net Income"] - panel["Net Cash Flow-Operating"]) / assets
    panel["leverage"] = panel["debt"] / assets
    panel["gross_margin_stability"] = -panel["gm_std"]
    panel = panel.merge(sectors, on="ticker")

    pillars = {
        "momentum": (2, [("mom_12_1", 1), ("mom_6_1", 1), ("dist_52w_high", 1)]),
        "value": (2, [("earnings_yield", 1), ("book_to_price", 1), ("sales_to_price", 1), ("fcf_yield", 1)]),
        "quality": (3, [("roe", 1), ("gross_profit_to_assets", 1), ("accruals", -1), ("leverage", -1),
                        ("gross_margin_stability", 1)]),
    }

    def pct(frame, col):
        grp = frame.groupby(["asof", "sector"])[col]
        r = grp.rank(method="average")
        n = grp.transform("count")
        return ((r - 1) / (n - 1) * 100).where(n > 1, 50.0).where(frame[col].notna())

    for _, (_, metrics) in pillars.items():
        for m, sign in metrics:
            lo = panel.groupby("asof")[m].transform(lambda s: s.quantile(0.01))
            hi = panel.groupby("asof")[m].transform(lambda s: s.quantile(0.99))
            panel[m + "_w"] = panel[m].clip(lo, hi) * sign
            panel[m + "_p"] = pct(panel, m + "_w")
    for p, (need, metrics) in pillars.items():
        cols = [m + "_p" for m, _ in metrics]
        mean = panel[cols].mean(axis=1).where(panel[cols].notna().sum(axis=1) >= need)
        panel[p + "_raw"] = mean
        panel[p] = pct(panel, p + "_raw")
    ps = panel[list(pillars)]
    panel["total_raw"] = ps.mean(axis=1).where(ps.notna().sum(axis=1) >= 2)
    panel["alpha_score"] = pct(panel, "total_raw").round()
    if horizon is not None:
        backtest(px, panel, list(pillars), horizon)
    elapsed = time.perf_counter() - t0

    metric_cols = [m for _, (_, ms) in pillars.items() for m, _ in ms]
    panel["date"] = panel["asof"].dt.strftime("%Y-%m-%d")
    panel[["date", "ticker"] + metric_cols + list(pillars) + ["alpha_score"]].sort_values(["date", "ticker"]).to_csv(out, index=False)
    print(f"{len(dates)} dates, {len(panel)} ticker-dates")
    print(f"seconds={elapsed:.4f}")


def backtest(px, panel, pillars, horizon):
    """IC and quintiles of the pandas scores against forward returns."""
    from scipy.stats import spearmanr

    cal = np.sort(px["date"].unique())
    pos = {d: i for i, d in enumerate(cal)}
    close = px.set_index(["date", "ticker"])["adj_close"]
    target = panel["asof"].map(lambda d: cal[pos[d] + horizon] if pos[d] + horizon < len(cal) else pd.NaT)
    p0 = close.reindex(pd.MultiIndex.from_arrays([panel["asof"], panel["ticker"]])).to_numpy()
    p1 = close.reindex(pd.MultiIndex.from_arrays([target, panel["ticker"]])).to_numpy()
    panel["fwd"] = p1 / p0 - 1.0
    ics = {}
    for f in ["alpha_score"] + pillars:
        v = []
        for _, g in panel.groupby("asof"):
            g = g[g[f].notna() & g["fwd"].notna()]
            if len(g) >= 5:
                v.append(spearmanr(g[f], g["fwd"]).statistic)
        ics[f] = float(np.nanmean(v)) if v else None
    q = []
    for _, g in panel.groupby("asof"):
        g = g[g["alpha_score"].notna() & g["fwd"].notna()]
        if len(g) >= 5:
            r = g["alpha_score"].rank(method="average")
            k = np.minimum(np.floor((r - 1) * 5 / len(g)), 4)
            q.append(g.groupby(k)["fwd"].mean())
    print("backtest mean IC", ics, "quintile means", pd.concat(q, axis=1).mean(axis=1).round(5).tolist() if q else None)


if __name__ == "__main__":
    main(sys.argv[1], pd.Timestamp(sys.argv[2]), pd.Timestamp(sys.argv[3]), sys.argv[4],
         int(sys.argv[5]) if len(sys.argv) > 5 else None)
