"""The metric SQL transpiled by sqlglot and run on Apache Spark (pyspark ``local[2]``)
gives the same page table as DuckDB (and so as the pandas reference).

Slow (a JVM starts: ~20 s alone); CI runs it (``make test`` installs the ``spark``
extra; Java 17 is on the machines). Skipped, with the reason, where pyspark or Java is
missing.
"""

from __future__ import annotations

import shutil

import pytest
from test_metrics_sql import SCENARIOS, _assert_same, _panel

from kommunesm.metrics import page_table

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark")
    pytest.importorskip("sqlglot")
    if shutil.which("java") is None:
        pytest.skip("Java is not installed (pyspark needs a JVM)")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("kommunesm-test")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.mark.parametrize("scenario", ["full_bounded", "posts_only"])
def test_spark_equals_duckdb(spark, scenario):
    panel = _panel(0)
    given, (start, end) = SCENARIOS[scenario]
    args = [panel[t] if t in given else None for t in ("pages", "page_days", "posts", "comments")]
    ref = page_table(*args, start, end, engine="duckdb")
    _assert_same(ref, page_table(*args, start, end, engine="spark", spark=spark))


def test_spark_parquet_and_options(spark, tmp_path):
    """Parquet inputs (as on a cluster) and non-default options."""
    panel = _panel(1)
    paths = []
    for name, frame in panel.items():
        paths.append(tmp_path / f"{name}.parquet")
        frame.to_parquet(paths[-1], index=False)
    kw = {"engagement": "per_post", "questions": "comment", "few_hours": 2.0}
    ref = page_table(*panel.values(), "2013-03-01", "2013-12-31", engine="pandas", **kw)
    got = page_table(
        *map(str, paths), "2013-03-01", "2013-12-31", engine="spark", spark=spark, **kw
    )
    _assert_same(ref, got)
