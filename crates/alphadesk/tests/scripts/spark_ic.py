"""The Alpha Score's walk-forward rank IC on Apache Spark, from alphadesk's
Parquet export alone (docs/scale.md).

    alphadesk export --to EXPORT --tables prices,scores
    python3 spark_ic.py EXPORT [HORIZON] [MASTER]

HORIZON is in trading days (default 21, the backtest's); MASTER is a Spark master
URL (default local[2]; a cluster's `spark://host:7077` runs the same plan). The
definition is `alphadesk backtest`'s: the forward return from the adjusted close on
the rebalance date to the adjusted close HORIZON trading days later on the union
calendar of the exported prices, both closes present and positive; per date and
factor, Spearman's rank correlation (average ranks for ties) between the score and
the forward return, over at least 5 names. Prints one JSON object per (factor,
date): {"factor", "date", "ic", "n"}.
"""

import json
import sys

from pyspark.sql import SparkSession, Window
from pyspark.sql import functions as F

FACTORS = ["alpha_score", "momentum", "value", "quality", "sentiment"]
MIN_N = 5


def average_rank(col, by):
    """Rank of `col` within `by`, ties given the mean of the ranks they span."""
    first = F.rank().over(Window.partitionBy(by).orderBy(col))
    ties = F.count(F.lit(1)).over(Window.partitionBy(by, col))
    return first + (ties - 1) / 2.0


def main(export, horizon, master):
    spark = (
        SparkSession.builder.master(master)
        .appName("alphadesk-ic")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    prices = spark.read.parquet(f"{export}/prices.parquet").select("ticker", "date", "adj_close")
    scores = spark.read.parquet(f"{export}/scores.parquet")

    # The union trading calendar, numbered, and each day's target HORIZON days on.
    calendar = prices.select("date").distinct().withColumn("pos", F.row_number().over(Window.orderBy("date")) - 1)
    target = (
        calendar.alias("a")
        .join(calendar.alias("b"), F.col("b.pos") == F.col("a.pos") + horizon)
        .select(F.col("a.date").alias("as_of"), F.col("b.date").alias("target"))
    )
    good = prices.where(F.col("adj_close").isNotNull() & ~F.isnan("adj_close") & (F.col("adj_close") > 0))
    p0 = good.select("ticker", F.col("date").alias("as_of"), F.col("adj_close").alias("p0"))
    p1 = good.select("ticker", F.col("date").alias("target"), F.col("adj_close").alias("p1"))
    panel = (
        scores.join(target, "as_of")
        .join(p0, ["ticker", "as_of"], "left")
        .join(p1, ["ticker", "target"], "left")
        .withColumn("fwd", F.col("p1") / F.col("p0") - 1.0)
    )

    for f in FACTORS:
        pairs = panel.where(F.col(f).isNotNull() & F.col("fwd").isNotNull()).select(
            "as_of", F.col(f).cast("double").alias("x"), F.col("fwd").alias("y")
        )
        ranked = pairs.select(
            "as_of",
            average_rank(F.col("x"), "as_of").alias("rx"),
            average_rank(F.col("y"), "as_of").alias("ry"),
        )
        ic = ranked.groupBy("as_of").agg(F.corr("rx", "ry").alias("ic"), F.count(F.lit(1)).alias("n"))
        for row in ic.where((F.col("n") >= MIN_N) & F.col("ic").isNotNull() & ~F.isnan("ic")).orderBy("as_of").collect():
            print(json.dumps({"factor": f, "date": row["as_of"].isoformat(), "ic": row["ic"], "n": row["n"]}))
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 21, sys.argv[3] if len(sys.argv) > 3 else "local[2]")
