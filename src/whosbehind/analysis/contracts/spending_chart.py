"""A bar chart of obligation totals by group, written to PNG or SVG (no display needed)."""

from __future__ import annotations

from pathlib import Path

from whosbehind.analysis.contracts.spending import SpendingResult
from whosbehind.errors import UsageError

FORMATS = (".png", ".svg")


def plot_spending(result: SpendingResult, path: Path, top: int = 10) -> Path:
    if path.suffix.lower() not in FORMATS:
        raise UsageError(f"{path}: --plot writes .png or .svg files")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = result.rows if result.by == "fiscal-year" else result.rows[:top]
    labels = [row.name[:48] for row in rows]
    values = [float(row.amount) / 1e6 for row in rows]
    figure, axis = plt.subplots(figsize=(10, 1.2 + 0.45 * max(len(rows), 1)))
    positions = list(range(len(rows)))[::-1]
    axis.barh(positions, values, color="#4c72b0")
    axis.set_yticks(positions, labels, fontsize="small")
    axis.set_xlabel("obligated (million USD)")
    for position, row, value in zip(positions, rows, values, strict=True):
        axis.text(value, position, f" {row.share * 100:.1f}%", va="center", fontsize="x-small")
    scope = []
    if result.filters.agency:
        scope.append(result.filters.agency.label)
    if result.filters.fiscal_years:
        scope.append(result.filters.fiscal_years)
    title = f"Obligations by {result.by}" + (f" — {', '.join(scope)}" if scope else "")
    if result.hhi is not None and result.cr4 is not None:
        title += f"\nHHI {result.hhi:,.0f} · CR4 {result.cr4 * 100:.1f}%"
    axis.set_title(title, fontsize="medium")
    feeds = sorted({citation.source for citation in result.citations.values()})
    figure.text(0.01, 0.01, f"Source: {', '.join(feeds)}, via whosbehind", fontsize="x-small")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return path
