"""Boston housing without the network: the same arrays as `keras.datasets.boston_housing.load_data`.

Keras downloads `boston_housing.npz` on first use; exam rooms and CI have no internet. The kit
ships the original 506-row StatLib table (`keraskit/data/boston_house_prices.csv`, provenance and
checksum in `docs/data.md`) and repeats Keras's seeded shuffle and split on it. When Keras's own
download is already in its cache and verifies, that file is used instead, so a machine that has
run Keras before gets literally Keras's data.

Only numpy (and the kit's message texts) is imported here: loading the data must not start TensorFlow.
"""

from __future__ import annotations

import hashlib
import math
import numbers
import os
import warnings
from pathlib import Path

import numpy as np

from keraskit import i18n

# The table as shipped, and the SHA-256 it must have (docs/data.md says where it came from).
SHIPPED_TABLE = Path(__file__).resolve().parent / "data" / "boston_house_prices.csv"
SHIPPED_SHA256 = "d98212636026544fc9b9c0f372e5f819872e6fa6fa757ab025efdda22180f2d6"

# Keras's file name in its cache and the SHA-256 that `keras.utils.get_file` checks it against
# (keras/src/datasets/boston_housing.py; tests/test_datasets.py reads it from there to catch drift).
KERAS_FILE_NAME = "boston_housing.npz"
KERAS_SHA256 = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"

N_ROWS = 506
N_FEATURES = 13
FEATURE_NAMES = ("CRIM", "ZN", "INDUS", "CHAS", "NOX", "RM", "AGE", "DIS", "RAD", "TAX",
                 "PTRATIO", "B", "LSTAT")
TARGET_NAME = "MEDV"

# The notice about the "B" column (its text: `datasets.ethics` in keraskit/locales/).
ETHICS_NOTICE_KEY = "datasets.ethics"


class BostonHousingEthicsWarning(UserWarning):
    """The warning Keras's docstring gives about the "B" column (a class of its own, so it can be filtered)."""


class BostonDataError(RuntimeError):
    """A data file is missing, altered, or not the 506 x 14 table (e.g. the shipped CSV fails its SHA-256)."""


_ethics_warned = False


def load_boston_housing(test_split=0.2, seed=113):
    """`((x_train, y_train), (x_test, y_test))` exactly as `keras.datasets.boston_housing.load_data`.

    x arrays are float64 of shape (n, 13), y arrays float64 of shape (n,): (404, 13), (404,),
    (102, 13), (102,) for the defaults. No network access, ever.
    """
    _check_test_split(test_split)
    _check_seed(seed)
    warn_about_ethics_once()
    x, y = load_table()
    return split_like_keras(x, y, test_split, seed)


def load_table():
    """The 506 rows in the original order as `(x, y)`: Keras's cached download if it verifies, else the
    shipped table."""
    cached = keras_cache_file()
    if cached is not None:
        return read_keras_npz(cached)
    return read_shipped_table()


def split_like_keras(x, y, test_split, seed):
    """Keras's algorithm: shuffle the row indices with `np.random.RandomState(seed)`, then cut.

    The cut point is `int(len(x) * (1 - test_split))`, rounded down as in Keras: the default 0.2
    gives 506 * 0.8 = 404.8, so 404 training rows and 102 test rows (not the 405/101 of rounding).
    """
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    x, y = x[order], y[order]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))


def read_shipped_table(path=None, sha256=SHIPPED_SHA256):
    """Parse the shipped StatLib CSV after checking its SHA-256; returns `(x, y)` as float64.

    The file is scikit-learn's copy: a count line (`506,13,...`), a header line, then the rows.
    """
    path = Path(SHIPPED_TABLE if path is None else path)
    if not path.is_file():
        raise BostonDataError(f"the Boston housing table is missing: {path} (reinstall keraskit)")
    actual = sha256_of(path)
    if actual != sha256:
        raise BostonDataError(
            f"the Boston housing table {path} has SHA-256 {actual}, expected {sha256}: "
            "the file was changed or corrupted (reinstall keraskit)")
    table = np.loadtxt(path, delimiter=",", skiprows=2, dtype=np.float64)
    _check_table_shape(table.shape[0], table.shape[1] - 1 if table.ndim == 2 else -1, path)
    return table[:, :N_FEATURES].copy(), table[:, N_FEATURES].copy()


def read_keras_npz(path):
    """`(x, y)` from a file in Keras's own npz format (keys "x" and "y")."""
    with np.load(path, allow_pickle=False) as data:
        x, y = data["x"], data["y"]
    _check_table_shape(len(x), x.shape[1] if x.ndim == 2 else -1, path)
    return x, y


def keras_cache_file():
    """The path of Keras's cached `boston_housing.npz` if one exists and has Keras's hash, else None.

    A file that fails the check is ignored, as Keras would ignore it (Keras would download a fresh
    copy; the kit falls back to its shipped table instead).
    """
    candidate = keras_cache_dir() / "datasets" / KERAS_FILE_NAME
    if candidate.is_file() and sha256_of(candidate) == KERAS_SHA256:
        return candidate
    return None


def keras_cache_dir():
    """The folder `keras.utils.get_file` downloads into, chosen by Keras's own rules.

    `$KERAS_HOME` if set, else `~/.keras` (`/tmp/.keras` when the home folder is not writable);
    and `/tmp/.keras` when that folder is not writable either. The environment is read at call
    time, not at import, so a KERAS_HOME set later still counts.
    """
    keras_home = os.environ.get("KERAS_HOME")
    if keras_home:
        base = keras_home
    else:
        home = os.path.expanduser("~")
        base = os.path.join(home if os.access(home, os.W_OK) else "/tmp", ".keras")
    base = os.path.expanduser(base)
    if not os.access(base, os.W_OK):
        base = os.path.join("/tmp", ".keras")
    return Path(base)


def sha256_of(path):
    """Hex SHA-256 of a file, read in chunks (the same digest `keras.utils.get_file` checks)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(65536), b""):
            digest.update(chunk)
    return digest.hexdigest()


def warn_about_ethics_once():
    """Warn about the "B" column the first time the data is loaded in this process, never again.

    The text is in the user's language. Inside the kit's own commands and exercise runs (where
    `i18n.notices_to` is active) it is handed to the kit's message output; anywhere else it is a
    `BostonHousingEthicsWarning`.
    """
    global _ethics_warned
    if _ethics_warned:
        return
    _ethics_warned = True
    if i18n.notify(ETHICS_NOTICE_KEY):
        return
    # stacklevel 3: point at the caller of load_boston_housing, not at this module.
    warnings.warn(i18n.t(ETHICS_NOTICE_KEY), BostonHousingEthicsWarning, stacklevel=3)


def _check_test_split(test_split):
    # Keras's own rule is `0 <= test_split < 1`; a non-number would give Keras a TypeError,
    # here it is a ValueError like every other bad argument of the kit.
    if isinstance(test_split, bool) or not isinstance(test_split, numbers.Real):
        raise ValueError(f"test_split must be a number in [0, 1), got {test_split!r}")
    if math.isnan(test_split) or not 0 <= test_split < 1:
        raise ValueError(
            f"test_split must be between 0 and 1 (0 allowed, 1 not), got {test_split!r}")


def _check_seed(seed):
    # Keras hands the seed to np.random.RandomState: None (fresh entropy) or an integer in
    # [0, 2**32 - 1]. Anything else fails there with a less helpful message.
    if seed is None:
        return
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ValueError(f"seed must be an integer in [0, 2**32 - 1] or None, got {seed!r}")
    if not 0 <= int(seed) <= 2**32 - 1:
        raise ValueError(f"seed must be between 0 and 2**32 - 1, got {seed!r}")


def _check_table_shape(n_rows, n_features, path):
    if (n_rows, n_features) != (N_ROWS, N_FEATURES):
        raise BostonDataError(
            f"{path} holds {n_rows} rows of {n_features} features, expected "
            f"{N_ROWS} rows of {N_FEATURES} features")
