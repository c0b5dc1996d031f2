"""Training curves from a Keras History dict: the chapter's over-fitting discussion as a picture."""

from __future__ import annotations

from pathlib import Path

from keraskit.i18n import current_language, t

# Fonts that draw Simplified Chinese, by the family names matplotlib reports (Linux, macOS, Windows).
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
             "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Droid Sans Fallback", "SimHei",
             "Microsoft YaHei", "PingFang SC", "Heiti SC", "AR PL UMing CN")


def figure_language(lang: str | None = None) -> tuple[str, list[str]]:
    """The language of the figure's texts and the fonts it needs.

    Chinese labels need a font with Chinese glyphs; without one installed, matplotlib would draw
    empty boxes (and warn once per glyph), so the figure's texts fall back to English.
    """
    lang = lang or current_language()
    if lang == "en":
        return lang, []
    from matplotlib import font_manager
    installed = {font.name for font in font_manager.fontManager.ttflist}
    fonts = [name for name in CJK_FONTS if name in installed]
    return (lang, fonts) if fonts else ("en", [])


def plot_history(history: dict, out: Path | str, *, title: str | None = None) -> list[str]:
    """Save loss/val_loss and, when present, MAPE/val_MAPE per epoch to a PNG; returns the curve names.

    ``history`` is what ``model.fit(...).history`` (or ``training.train``) returns.
    """
    import matplotlib
    matplotlib.use("Agg")  # no display needed, and never a window popping up
    import matplotlib.pyplot as plt

    if not isinstance(history, dict) or "loss" not in history:
        got = sorted(history) if isinstance(history, dict) else type(history).__name__
        raise ValueError(t("plot.bad_history", got=got))
    lang, fonts = figure_language()
    style = {"font.sans-serif": fonts + list(matplotlib.rcParams["font.sans-serif"])} if fonts else {}
    with matplotlib.rc_context(style):
        drawn = _draw(plt, history, out, lang, title)
    return drawn


def _draw(plt, history: dict, out, lang: str, title: str | None) -> list[str]:
    panels = [("loss", t("plot.loss", lang))]
    mape = next((k for k in history if not k.startswith("val_") and "percentage" in k), None)
    if mape:
        panels.append((mape, t("plot.mape", lang)))
    fig, axes = plt.subplots(1, len(panels), figsize=(5.5 * len(panels), 4), squeeze=False)
    drawn = []
    for ax, (key, label) in zip(axes[0], panels):
        for name in (key, f"val_{key}"):
            if name in history:
                values = list(history[name])
                ax.plot(range(1, len(values) + 1), values, label=name)
                drawn.append(name)
        ax.set_xlabel(t("plot.epoch", lang))
        ax.set_ylabel(label)
        ax.legend()
        ax.grid(alpha=0.3)
    fig.suptitle(title or t("plot.title", lang))
    fig.tight_layout()
    fig.savefig(out, format="png", dpi=100)
    plt.close(fig)
    return drawn
