"""The offline Boston housing loader gives what Keras's own `load_data` gives, with no network."""

from __future__ import annotations

import inspect
import math
import re
import socket
import subprocess
import sys
import urllib.request
import warnings
from pathlib import Path

import numpy as np
import pytest

from keraskit import datasets
from keraskit.quiet import silence_tensorflow

silence_tensorflow()

import keras

ROOT = Path(__file__).resolve().parents[1]

# Keras's first rows for the defaults (test_split=0.2, seed=113), as printed by a real download.
KERAS_X_TRAIN_0 = [1.23247, 0.0, 8.14, 0.0, 0.538, 6.142, 91.7, 3.9769, 4.0, 307.0, 21.0, 396.9, 18.72]
KERAS_Y_TRAIN_HEAD = [15.2, 42.3, 50.0, 21.1, 17.7]
KERAS_X_TEST_0 = [18.0846, 0.0, 18.1, 0.0, 0.679, 6.434, 100.0, 1.8347, 24.0, 666.0, 20.2, 27.25, 29.05]
KERAS_Y_TEST_0 = 7.2

TEST_SPLITS = [0.0, 0.1, 0.2, 0.25, 0.3, 1 / 3, 0.5, 0.7, 0.9, 0.999]
SEEDS = [0, 1, 42, 113, 2**32 - 1]


@pytest.fixture(autouse=True)
def empty_keras_home(tmp_path, monkeypatch):
    """No test sees a real Keras cache unless it puts one there itself."""
    home = tmp_path / "keras_home"
    home.mkdir()
    monkeypatch.setenv("KERAS_HOME", str(home))
    return home


@pytest.fixture
def quiet_ethics(monkeypatch):
    """Pretend the once-per-process warning was already given, so tests can run with -W error."""
    monkeypatch.setattr(datasets, "_ethics_warned", True)


def write_npz(path: Path, x, y) -> Path:
    """A file in Keras's format: an npz with arrays "x" and "y"."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        np.savez(handle, x=x, y=y)
    return path


@pytest.fixture
def keras_offline(tmp_path, monkeypatch):
    """Keras's real `load_data`, its download replaced by an npz made from the shipped table.

    Only the fetch is replaced; Keras's own argument check, shuffle and split run unchanged.
    """
    x, y = datasets.read_shipped_table()
    npz = write_npz(tmp_path / "fake_download" / "boston_housing.npz", x, y)
    module = sys.modules[keras.datasets.boston_housing.load_data.__module__]
    requests = []

    def fake_get_file(fname=None, origin=None, file_hash=None, **kwargs):
        requests.append((fname, origin, file_hash))
        return str(npz)

    monkeypatch.setattr(module, "get_file", fake_get_file)
    return requests


# ---- shape, dtype, the known values ----------------------------------------------------------

def test_default_shapes_and_dtypes(quiet_ethics):
    (x_train, y_train), (x_test, y_test) = datasets.load_boston_housing()
    assert x_train.shape == (404, 13) and y_train.shape == (404,)
    assert x_test.shape == (102, 13) and y_test.shape == (102,)
    for array in (x_train, y_train, x_test, y_test):
        assert array.dtype == np.float64
        assert np.all(np.isfinite(array))


def test_known_first_rows(quiet_ethics):
    (x_train, y_train), (x_test, y_test) = datasets.load_boston_housing()
    np.testing.assert_array_equal(x_train[0], KERAS_X_TRAIN_0)
    np.testing.assert_array_equal(y_train[:5], KERAS_Y_TRAIN_HEAD)
    np.testing.assert_array_equal(x_test[0], KERAS_X_TEST_0)
    assert y_test[0] == KERAS_Y_TEST_0


def test_shipped_table_is_the_original_statlib_table():
    x, y = datasets.read_shipped_table()
    assert x.shape == (506, 13) and y.shape == (506,)
    # First and last StatLib rows, and column facts every description of the data states.
    np.testing.assert_array_equal(x[0], [0.00632, 18, 2.31, 0, 0.538, 6.575, 65.2, 4.09, 1, 296, 15.3, 396.9, 4.98])
    assert y[0] == 24.0 and y[-1] == 11.9
    assert set(np.unique(x[:, 3])) == {0.0, 1.0}  # CHAS is a 0/1 dummy
    assert y.min() == 5.0 and y.max() == 50.0  # MEDV is censored at 50
    assert x[:, 11].max() == 396.9  # the "B" column's cap


def test_every_row_used_once(quiet_ethics):
    (x_train, y_train), (x_test, y_test) = datasets.load_boston_housing(test_split=0.3, seed=7)
    x_all, _ = datasets.read_shipped_table()
    together = np.concatenate([x_train, x_test])
    assert sorted(map(tuple, together)) == sorted(map(tuple, x_all))


def test_results_are_fresh_arrays(quiet_ethics):
    (x_train, _), _ = datasets.load_boston_housing()
    x_train[0, 0] = -1.0
    (again, _), _ = datasets.load_boston_housing()
    assert again[0, 0] == KERAS_X_TRAIN_0[0]


# ---- agreement with Keras's own code ---------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("test_split", TEST_SPLITS)
def test_agrees_with_keras_load_data(keras_offline, quiet_ethics, test_split, seed):
    ours = datasets.load_boston_housing(test_split=test_split, seed=seed)
    theirs = keras.datasets.boston_housing.load_data(test_split=test_split, seed=seed)
    assert keras_offline, "Keras's load_data did not go through the replaced get_file"
    for mine, keras_array in zip((*ours[0], *ours[1]), (*theirs[0], *theirs[1])):
        assert mine.shape == keras_array.shape
        assert mine.dtype == keras_array.dtype
        np.testing.assert_array_equal(mine, keras_array)


def test_keras_asks_for_the_file_and_hash_the_loader_expects(keras_offline, quiet_ethics):
    keras.datasets.boston_housing.load_data()
    [(fname, origin, file_hash)] = keras_offline
    assert fname == datasets.KERAS_FILE_NAME
    assert origin.endswith("/" + datasets.KERAS_FILE_NAME)
    assert file_hash == datasets.KERAS_SHA256


def test_keras_hash_constant_is_in_keras_source():
    source = inspect.getsource(keras.datasets.boston_housing.load_data)
    assert datasets.KERAS_SHA256 in source


@pytest.mark.parametrize("test_split", [-0.1, 1, 1.0, 1.5, math.nan])
def test_out_of_range_test_split_rejected_like_keras(keras_offline, test_split):
    with pytest.raises(ValueError):
        keras.datasets.boston_housing.load_data(test_split=test_split)
    with pytest.raises(ValueError, match="test_split"):
        datasets.load_boston_housing(test_split=test_split)


@pytest.mark.parametrize("test_split", ["0.2", None, True, [0.2]])
def test_non_number_test_split_rejected(test_split):
    with pytest.raises(ValueError, match="test_split"):
        datasets.load_boston_housing(test_split=test_split)


@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, "113", True])
def test_bad_seed_rejected(seed):
    with pytest.raises(ValueError, match="seed"):
        datasets.load_boston_housing(seed=seed)


def test_bad_arguments_checked_before_any_work(monkeypatch):
    def must_not_run():
        raise AssertionError("data loaded before the arguments were checked")

    monkeypatch.setattr(datasets, "load_table", must_not_run)
    monkeypatch.setattr(datasets, "_ethics_warned", False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ValueError):
            datasets.load_boston_housing(test_split=2)
    assert not caught, "a rejected call must not use up the once-only warning"
    assert datasets._ethics_warned is False


def test_numpy_integer_seed_and_float_split_accepted(quiet_ethics):
    ours = datasets.load_boston_housing(test_split=np.float32(0.25), seed=np.int64(113))
    plain = datasets.load_boston_housing(test_split=float(np.float32(0.25)), seed=113)
    np.testing.assert_array_equal(ours[0][0], plain[0][0])


def test_seed_none_shuffles_like_keras(quiet_ethics):
    # Keras passes None to RandomState: a fresh random order each call, same sizes.
    (x_a, _), _ = datasets.load_boston_housing(seed=None)
    (x_b, _), _ = datasets.load_boston_housing(seed=None)
    assert x_a.shape == x_b.shape == (404, 13)
    assert not np.array_equal(x_a, x_b)


# ---- Keras's cached download -----------------------------------------------------------------

def test_cached_keras_download_is_used(empty_keras_home, monkeypatch, quiet_ethics):
    # A cache file that differs from the shipped table (targets + 1000), and a hash that admits it.
    x, y = datasets.read_shipped_table()
    cached = write_npz(empty_keras_home / "datasets" / "boston_housing.npz", x, y + 1000.0)
    monkeypatch.setattr(datasets, "KERAS_SHA256", datasets.sha256_of(cached))
    assert datasets.keras_cache_file() == cached
    (_, y_train), (_, y_test) = datasets.load_boston_housing()
    assert y_train[0] == KERAS_Y_TRAIN_HEAD[0] + 1000.0
    assert y_test[0] == KERAS_Y_TEST_0 + 1000.0


def test_cache_failing_keras_hash_is_ignored(empty_keras_home, quiet_ethics):
    x, y = datasets.read_shipped_table()
    write_npz(empty_keras_home / "datasets" / "boston_housing.npz", x, y + 1000.0)
    assert datasets.keras_cache_file() is None
    (_, y_train), _ = datasets.load_boston_housing()
    assert y_train[0] == KERAS_Y_TRAIN_HEAD[0]


def test_cache_folder_follows_keras_rules(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert datasets.keras_cache_dir() == tmp_path
    monkeypatch.delenv("KERAS_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    # Like keras.utils.get_file: a ~/.keras that cannot be written to (here: absent) means /tmp/.keras.
    assert datasets.keras_cache_dir() == Path("/tmp/.keras")
    (tmp_path / ".keras").mkdir()
    assert datasets.keras_cache_dir() == tmp_path / ".keras"


# ---- the shipped file's checksum -------------------------------------------------------------

def test_shipped_file_matches_recorded_sha256():
    assert datasets.sha256_of(datasets.SHIPPED_TABLE) == datasets.SHIPPED_SHA256
    page = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    assert datasets.SHIPPED_SHA256 in page


def test_shipped_file_is_package_data():
    from importlib.resources import files

    resource = files("keraskit") / "data" / datasets.SHIPPED_TABLE.name
    assert resource.is_file()
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'keraskit\s*=\s*\[[^\]]*"data/\*"', pyproject)


def test_altered_table_is_refused(tmp_path, monkeypatch):
    text = datasets.SHIPPED_TABLE.read_text(encoding="utf-8")
    altered = tmp_path / "boston_house_prices.csv"
    altered.write_text(text.replace("0.00632,18,", "0.00633,18,", 1), encoding="utf-8")
    with pytest.raises(datasets.BostonDataError, match="SHA-256"):
        datasets.read_shipped_table(altered)
    monkeypatch.setattr(datasets, "SHIPPED_TABLE", altered)
    monkeypatch.setattr(datasets, "_ethics_warned", True)
    with pytest.raises(datasets.BostonDataError, match="SHA-256"):
        datasets.load_boston_housing()


def test_missing_table_is_reported(tmp_path):
    with pytest.raises(datasets.BostonDataError, match="missing"):
        datasets.read_shipped_table(tmp_path / "nowhere.csv")


def test_wrong_shape_refused_even_with_matching_hash(tmp_path):
    short = tmp_path / "short.csv"
    lines = datasets.SHIPPED_TABLE.read_text(encoding="utf-8").splitlines()
    short.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    with pytest.raises(datasets.BostonDataError, match="505 rows"):
        datasets.read_shipped_table(short, sha256=datasets.sha256_of(short))


# ---- the ethics warning ----------------------------------------------------------------------

def test_ethics_warning_once_per_process(monkeypatch):
    monkeypatch.setattr(datasets, "_ethics_warned", False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            datasets.load_boston_housing()
    ethics = [w for w in caught if issubclass(w.category, datasets.BostonHousingEthicsWarning)]
    assert len(ethics) == 1
    assert issubclass(datasets.BostonHousingEthicsWarning, UserWarning)
    message = str(ethics[0].message)
    assert '"B"' in message and "ethical" in message
    assert ethics[0].filename == __file__, "the warning should point at the caller"


# ---- no network ------------------------------------------------------------------------------

def test_no_network_use(monkeypatch, quiet_ethics):
    def no_network(*args, **kwargs):
        raise AssertionError("the loader tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    monkeypatch.setattr(urllib.request, "urlretrieve", no_network)
    # Keras's fetch, under its public name and in the modules that bound it at import.
    for module in (keras.utils, sys.modules[keras.utils.get_file.__module__],
                   sys.modules[keras.datasets.boston_housing.load_data.__module__]):
        monkeypatch.setattr(module, "get_file", no_network)
    (x_train, _), _ = datasets.load_boston_housing()
    np.testing.assert_array_equal(x_train[0], KERAS_X_TRAIN_0)


def test_loader_starts_neither_keras_nor_a_socket(tmp_path):
    # A fresh interpreter: every socket refuses, and after loading neither keras nor tensorflow
    # has been imported (loading data must stay fast and offline).
    script = (
        "import socket, sys, warnings\n"
        "def refuse(*a, **k): raise OSError('network used')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "warnings.simplefilter('ignore')\n"
        "from keraskit.datasets import load_boston_housing\n"
        "(x, y), (xt, yt) = load_boston_housing()\n"
        "assert x.shape == (404, 13) and xt.shape == (102, 13), (x.shape, xt.shape)\n"
        "bad = [m for m in ('keras', 'tensorflow') if m in sys.modules]\n"
        "assert not bad, bad\n"
        "print('ok')\n"
    )
    env = {"KERAS_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=env, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
