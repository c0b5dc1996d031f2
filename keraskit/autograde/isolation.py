"""Grading without isolation: refused by default, and marked wherever such a grade is read.

The rlimits floor (no bwrap, no Landlock) leaves student code able to read the reference and the
hidden tests and to write the grader's own files (the venv's site-packages, where the judge
imports ``keraskit`` and its hidden tests from): one submission could change the verdicts of
every submission graded after it. So ``keraskit grade`` and ``keraskit autograde`` refuse to
grade in such a mode unless asked to (``--allow-unisolated`` or ``KERASKIT_ALLOW_UNISOLATED=1``),
and every grade made there says so: the run's output, the feedback, the record, ``grades.csv``
(its ``isolation`` column) and Gradescope's results.
"""

from __future__ import annotations

import os

from keraskit.i18n import t

ALLOW_ENV = "KERASKIT_ALLOW_UNISOLATED"
ALLOW_FLAG = "--allow-unisolated"
# The sandbox modes in which student code can read the solutions and write the grader's files.
UNISOLATED_MODES = frozenset({"rlimits"})
# grades.csv's isolation column
ISOLATED, UNISOLATED = "isolated", "unisolated"


def isolated(mode: str) -> bool:
    return mode not in UNISOLATED_MODES


def label(mode: str) -> str:
    """A record's isolation, from the sandbox mode it was graded in ("" when none was recorded)."""
    if not mode:
        return ""
    return ISOLATED if isolated(mode) else UNISOLATED


def allowed(flag: bool = False) -> bool:
    """Did the instructor opt in to grading without isolation (the flag, or the environment)?"""
    return flag or os.environ.get(ALLOW_ENV, "").strip() == "1"


def opt_in_source(flag: bool) -> str:
    return ALLOW_FLAG if flag else f"{ALLOW_ENV}=1"


def missing_protections(mode: str) -> list[str]:
    """What the mode lacks, as ``keraskit doctor`` words it (without running a worker)."""
    from keraskit.autograde import sandbox
    run_as = sandbox.floor_uid() if mode == "rlimits" else None
    return [f"{what}: {detail}" for what, status, detail in sandbox.protection_rows(mode, run_as=run_as)
            if status == "missing"]


def refusal(mode: str, why: str, lang: str | None = None) -> str:
    """The one message of a refusal: what is missing, then the remedies in order, then the opt-in."""
    from keraskit.autograde import sandbox
    lines = [t("autograde.unisolated_refusal", lang, mode=mode, why=why)]
    lines += [f"  - {item}" for item in missing_protections(mode)]
    lines.append(t("autograde.unisolated_remedies", lang, advice=sandbox.missing_advice(),
                   flag=ALLOW_FLAG, env=ALLOW_ENV))
    return "\n".join(lines)


def warning(mode: str, flag: bool, lang: str | None = None) -> str:
    """What the run prints when it grades without isolation, opted in."""
    return t("autograde.unisolated_warning", lang, mode=mode, opt_in=opt_in_source(flag))
