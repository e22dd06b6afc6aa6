"""A pandas momentum-only monthly panel from the price CSVs: 12-1 momentum at
each month end, 21-day forward returns, rank IC and quintile spread. The peer
of `alphadesk backtest` (four pillars, from the store) in benches/peers.rs."""
import pathlib
import sys

import pandas as pd

prices, start, end = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
frames = [
    pd.read_csv(p, usecols=["date", "close", "Name"], parse_dates=["date"])
    for p in sorted(prices.glob("*.csv"))
]
close = pd.concat(frames).pivot_table(index="date", columns="Name", values="close").sort_index()
month_ends = close.groupby(close.index.to_period("M")).tail(1).index
month_ends = month_ends[(month_ends >= start) & (month_ends <= end)]
momentum = close.shift(21) / close.shift(252) - 1.0
forward = close.shift(-21) / close - 1.0
ics, spreads = [], []
for d in month_ends:
    x = pd.DataFrame({"m": momentum.loc[d], "r": forward.loc[d]}).dropna()
    if len(x) < 10:
        continue
    ics.append(x["m"].rank().corr(x["r"].rank()))
    quintile = pd.qcut(x["m"].rank(method="first"), 5, labels=False)
    means = x["r"].groupby(quintile).mean()
    spreads.append(means.iloc[-1] - means.iloc[0])
print(f"{len(ics)} dates, mean rank IC {pd.Series(ics).mean():+.4f}, mean Q5-Q1 {pd.Series(spreads).mean():+.4f}")
