"""Training curves from a Keras History dict: the chapter's over-fitting discussion as a picture."""

from __future__ import annotations

from pathlib import Path

from keraskit.i18n import t


def plot_history(history: dict, out: Path | str, *, title: str | None = None) -> list[str]:
    """Save loss/val_loss and, when present, MAPE/val_MAPE per epoch to a PNG; returns the curve names.

    ``history`` is what ``model.fit(...).history`` (or ``training.train``) returns.
    """
    import matplotlib
    matplotlib.use("Agg")  # no display needed, and never a window popping up
    import matplotlib.pyplot as plt

    if not isinstance(history, dict) or "loss" not in history:
        raise ValueError(f"history must be a History dict with a 'loss' key, got keys {sorted(history or {})}")
    panels = [("loss", t("plot.loss"))]
    mape = next((k for k in history if not k.startswith("val_") and "percentage" in k), None)
    if mape:
        panels.append((mape, t("plot.mape")))
    fig, axes = plt.subplots(1, len(panels), figsize=(5.5 * len(panels), 4), squeeze=False)
    drawn = []
    for ax, (key, label) in zip(axes[0], panels):
        for name in (key, f"val_{key}"):
            if name in history:
                values = list(history[name])
                ax.plot(range(1, len(values) + 1), values, label=name)
                drawn.append(name)
        ax.set_xlabel(t("plot.epoch"))
        ax.set_ylabel(label)
        ax.legend()
        ax.grid(alpha=0.3)
    fig.suptitle(title or t("plot.title"))
    fig.tight_layout()
    fig.savefig(out, format="png", dpi=100)
    plt.close(fig)
    return drawn
