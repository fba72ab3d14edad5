"""Charts written to PNG or SVG (matplotlib, no display needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from whosbehind.analysis.fedramp.timeline import Timeline
from whosbehind.errors import UsageError

FORMATS = (".png", ".svg")


def plot_timeline(timeline: Timeline, path: Path, top: int = 5) -> Path:
    """Line chart of the leading providers' shares, with HHI on a second axis."""
    if path.suffix.lower() not in FORMATS:
        raise UsageError(f"{path}: --plot writes .png or .svg files")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    dates: list[Any] = [point.as_of for point in timeline.points]
    figure, axis = plt.subplots(figsize=(10, 5.5))
    for provider in timeline.leaders(top):
        values = [
            next((row.share * 100 for row in point.rows if row.provider == provider), 0.0)
            for point in timeline.points
        ]
        axis.plot(dates, values, marker="o", markersize=3, label=provider)
    axis.set_ylabel("share (%)")
    first = timeline.points[0]
    axis.set_title(
        f"FedRAMP {first.measure} by provider ({first.attribution} attribution"
        f"{', impact ' + first.impact if first.impact else ''})"
    )
    second = axis.twinx()
    second.plot(
        dates,
        [point.hhi for point in timeline.points],
        color="black",
        linestyle="--",
        linewidth=1,
        label="HHI",
    )
    second.set_ylabel("HHI (dashed)")
    axis.legend(loc="upper left", fontsize="small")
    sources = sorted({point.snapshot.feed for point in timeline.points})
    figure.text(
        0.01, 0.01, f"Source: {', '.join(sources)} snapshots, via whosbehind", fontsize="x-small"
    )
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return path
