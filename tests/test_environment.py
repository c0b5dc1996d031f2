"""``keraskit doctor --student`` names each broken environment with its fix (fakes of the installed
distributions and of TensorFlow's import: nothing is installed or imported), the board points to
it when TensorFlow does not import, and every process of the kit runs Keras on TensorFlow
whatever KERAS_BACKEND says."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from keraskit import environment, i18n, quiet

ROOT = Path(__file__).resolve().parents[1]

REQUIREMENTS = [Requirement(line) for line in (
    "numpy>=1.26", "keras<3.16,>=3.10", "tensorflow<2.22,>=2.19", "pytest>=8.2",
    'nbgrader==0.9.6; extra == "instructor"', 'keraskit[instructor]; extra == "dev"', 'tox>=4; extra == "dev"')]


class FakeDist:
    """What ``importlib.metadata`` gives of one installed distribution."""

    def __init__(self, name, version, top_level=None, files=None):
        self.metadata = {"Name": name, "Requires-Python": ">=3.11" if name == "keraskit" else None}
        self.version = version
        self._top_level = top_level
        self.files = files

    def read_text(self, filename):
        return self._top_level if filename == "top_level.txt" else None


def dists(*extra, tensorflow=("tensorflow", "2.19.0")):
    base = [FakeDist("keraskit", "0.1.0", "keraskit\n"), FakeDist("numpy", "2.1.3", "numpy\n"),
            FakeDist("keras", "3.10.0", "keras\n"), FakeDist("pytest", "8.4.0", "pytest\n"),
            FakeDist("nbgrader", "0.9.6", "nbgrader\n"), FakeDist("tox", "4.30.0", "tox\n")]
    if tensorflow:
        base.append(FakeDist(*tensorflow, "tensorflow\n"))
    return base + list(extra)


IMPORTED = {"tensorflow": "2.19.0", "keras": "3.10.0", "backend": "tensorflow"}


def check(installed, imported=IMPORTED, environ=None, home=None):
    return environment.check(dists=installed, import_tensorflow=lambda: imported, requirements=REQUIREMENTS,
                             environ=environ or {}, home=home, python_version=(3, 11, 7))


def keys(report, problems_only=True):
    return [f.key for f in (report.problems if problems_only else report.findings)]


def test_a_healthy_environment_has_no_finding(tmp_path):
    report = check(dists(), home=tmp_path)
    assert report.findings == []
    assert ("tensorflow", "2.19.0", "<2.22,>=2.19") in report.versions
    text = environment.render(report)
    assert "tensorflow  2.19.0     supported: >=2.19,<2.22" in text
    assert i18n.t("doctor.all_good", "en") in text


def test_two_tensorflow_distributions_in_one_folder_are_named_with_the_fix(tmp_path):
    """The Colab case: the student's tensorflow 2.19 and a tensorflow-cpu 2.21 beside it."""
    report = check(dists(FakeDist("tensorflow-cpu", "2.21.0", "tensorflow\n")), home=tmp_path)
    twice = next(f for f in report.problems if f.key == "tensorflow_twice")
    assert twice.values["distributions"] == "tensorflow 2.19.0, tensorflow-cpu 2.21.0"
    # The student's own build is put back, at its own release.
    assert twice.fix == 'pip uninstall -y tensorflow tensorflow-cpu && pip install "tensorflow==2.19.0"'
    assert "tensorflow 2.19.0, tensorflow-cpu 2.21.0" in environment.render(report)


@pytest.mark.parametrize("other", [
    FakeDist("tensorflow-intel", "2.19.0", files=["tensorflow/__init__.py", "tensorflow/python/x.py"]),
    FakeDist("tf-nightly", "2.22.0.dev20260101"),  # neither top_level.txt nor a file list: known by name
])
def test_every_distribution_of_the_tensorflow_package_counts(other, tmp_path):
    names = [d.name for d in environment.tensorflow_distributions(dists(other))]
    assert names == ["tensorflow", environment._canonical(other.metadata["Name"])]
    assert "tensorflow_twice" in keys(check(dists(other), home=tmp_path))


def test_a_metapackage_that_writes_no_tensorflow_file_is_not_a_second_tensorflow(tmp_path):
    """Windows' `tensorflow` that only requires `tensorflow-intel`: one distribution writes the package."""
    shim = FakeDist("tensorflow", "2.19.0", "", files=["tensorflow-2.19.0.dist-info/METADATA"])
    intel = FakeDist("tensorflow-intel", "2.19.0", "tensorflow\n", files=["tensorflow/__init__.py"])
    installed = [d for d in dists(tensorflow=None)] + [shim, intel]
    assert [d.name for d in environment.tensorflow_distributions(installed)] == ["tensorflow-intel"]
    assert keys(check(installed, home=tmp_path)) == []


def test_a_package_beside_tensorflow_is_not_a_second_tensorflow(tmp_path):
    gcs = FakeDist("tensorflow-io-gcs-filesystem", "0.37.1", "tensorflow_io_gcs_filesystem\n")
    assert keys(check(dists(gcs), home=tmp_path)) == []


def test_a_cpu_only_image_with_one_cpu_wheel_is_fine(tmp_path):
    report = check(dists(tensorflow=("tensorflow-cpu", "2.21.0")), home=tmp_path)
    assert keys(report) == []
    assert ("tensorflow", "2.21.0", "<2.22,>=2.19") in report.versions


def test_a_tensorflow_that_does_not_import_gives_its_error_in_one_line(tmp_path):
    error = "NotFoundError: /x/_pywrap_tensorflow_internal.so: undefined symbol: _ZN3xla\nand more"
    report = check(dists(), imported={"error": error}, home=tmp_path)
    (finding,) = report.problems
    assert finding.key == "tensorflow_import"
    assert finding.values["error"] == ("NotFoundError: _pywrap_tensorflow_internal.so: "
                                       "undefined symbol: _ZN3xla and more")
    assert finding.fix == 'pip install --force-reinstall "tensorflow==2.19.0"'


def test_a_broken_import_with_two_distributions_gets_the_reinstall(tmp_path):
    report = check(dists(FakeDist("tensorflow-cpu", "2.21.0", "tensorflow\n")), imported={"error": "X: y"},
                   home=tmp_path)
    assert {f.key: f.fix for f in report.problems}["tensorflow_import"].startswith("pip uninstall -y tensorflow ")


def test_versions_outside_the_range_and_missing_ones_are_named(tmp_path):
    installed = [d for d in dists(tensorflow=None) if d.metadata["Name"] != "keras"]
    installed.append(FakeDist("keras", "3.9.2", "keras\n"))

    def no_import():
        raise AssertionError("no TensorFlow installed: nothing to import")

    report = environment.check(dists=installed, import_tensorflow=no_import, requirements=REQUIREMENTS,
                               environ={}, home=tmp_path, python_version=(3, 10, 4))
    found = {f.key: f for f in report.problems}
    assert set(found) == {"python_outside", "outside", "missing"}
    assert found["outside"].values == {"name": "keras", "version": "3.9.2", "range": REQUIREMENTS[1].specifier}
    assert found["outside"].fix == 'pip install "keras<3.16,>=3.10"'
    assert found["missing"].fix == 'pip install "tensorflow<2.22,>=2.19"'


def test_the_backend_a_student_chose_is_a_note_with_the_notebook_fix(tmp_path):
    report = check(dists(), environ={"KERAS_BACKEND": "jax"}, home=tmp_path)
    assert keys(report) == []
    (note,) = report.findings
    assert (note.key, note.values["backend"], note.problem) == ("backend_choice", "jax", False)
    assert note.fix == 'os.environ["KERAS_BACKEND"] = "tensorflow"'
    (tmp_path / ".keras").mkdir()
    (tmp_path / ".keras" / "keras.json").write_text(json.dumps({"backend": "torch"}))
    (note,) = check(dists(), home=tmp_path).findings
    assert note.values == {"where": str(tmp_path / ".keras" / "keras.json"), "backend": "torch"}


def test_a_keras_that_ignores_the_backend_setting_is_a_problem(tmp_path):
    report = check(dists(), imported={**IMPORTED, "backend": "jax"}, home=tmp_path)
    assert keys(report) == ["backend_ignored"]


def test_missing_extras_are_notes_with_their_install_command(tmp_path):
    installed = [d for d in dists() if d.metadata["Name"] not in ("nbgrader", "tox")]
    report = check(installed, home=tmp_path)
    assert keys(report) == []
    assert {(f.values["extra"], f.fix) for f in report.findings} == {
        ("instructor", "pip install -e '.[instructor]'"), ("dev", "pip install -e '.[dev]'")}


def test_the_report_speaks_chinese(tmp_path, monkeypatch):
    monkeypatch.setenv("KERASKIT_LANG", "zh_CN")
    text = environment.render(check(dists(FakeDist("tensorflow-cpu", "2.21.0", "tensorflow\n")), home=tmp_path))
    assert "多个 TensorFlow 发行包" in text and "修复：pip uninstall" in text


def test_the_kit_declares_tensorflow_itself_and_the_supported_range():
    """pyproject.toml: `tensorflow` (never a second distribution of the package) and the tested ends."""
    declared = environment._pyproject_requirements()
    names = [Requirement(line).name for line in declared]
    assert not set(names) & (environment.KNOWN_TENSORFLOW_DISTRIBUTIONS - {"tensorflow"})
    reqs = [Requirement(line) for line in declared]
    assert environment.supported_range("tensorflow", reqs) == Requirement("tensorflow>=2.19,<2.22").specifier
    assert environment.supported_range("keras", reqs) == Requirement("keras>=3.10,<3.16").specifier


# ---- the board's pointer: TensorFlow's import failure, and nothing else -------------------------

def _raise_inside(module_name: str, source: str):
    """Run ``source`` as the top level of a module called ``module_name`` (a failing import)."""
    exec(compile(source, f"/site-packages/{module_name.replace('.', '/')}.py", "exec"), {"__name__": module_name})


def test_an_error_while_tensorflow_loads_is_one_line_pointing_to_the_doctor():
    try:
        try:
            _raise_inside("tensorflow.python.pywrap_tensorflow",
                          "raise RuntimeError('_pywrap_tensorflow_internal.so: undefined symbol: _ZN3xla')")
        except RuntimeError as exc:
            raise ImportError("while importing test module") from exc  # as pytest wraps it
    except ImportError as wrapped:
        line = environment.tensorflow_import_failure(wrapped)
    assert line == i18n.t("doctor.board_tensorflow_broken", error="RuntimeError: _pywrap_tensorflow_internal.so: "
                          "undefined symbol: _ZN3xla", command="keraskit doctor --student")
    assert "\n" not in line
    assert environment.tensorflow_import_failure(ModuleNotFoundError("No module", name="tensorflow")) is not None


def test_a_students_error_is_not_taken_for_tensorflow_failing():
    try:
        _raise_inside("_keraskit_graded_models", "def f():\n    raise ValueError('bad shape')\nf()")
    except ValueError as exc:
        assert environment.tensorflow_import_failure(exc) is None
    assert environment.tensorflow_import_failure(ModuleNotFoundError("No module", name="tensorflowjs")) is None
    assert environment.tensorflow_import_failure(None) is None


def test_a_backend_mismatch_marks_no_exercise_as_failing(monkeypatch):
    """Keras imported with another backend before the kit: a failing test is skipped with the line."""
    from keraskit import runner
    line = i18n.t("doctor.backend_mismatch", backend="jax")
    monkeypatch.setattr(environment, "keras_backend_mismatch", lambda: line)
    monkeypatch.setattr(environment, "_NOTED", [])  # this run's notes only, and none left for the outer run
    result = runner.run([ROOT / "exercises" / "tests" / "test_tensors.py"], target=ROOT / "exercises",
                        exercises=["tensors.normalize"], rootdir=ROOT)
    assert result.tests == [], "a test failing under another backend is kept off the board"
    assert environment.noted() == (line,)


# ---- every process of the kit runs Keras on TensorFlow -----------------------------------------

def test_the_kit_assigns_the_tensorflow_backend_over_the_users():
    env = {"KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "1"}
    quiet.silence_tensorflow(env)
    assert env["KERAS_BACKEND"] == "tensorflow"
    assert env["TF_CPP_MIN_LOG_LEVEL"] == "1", "a log setting the user chose is kept"
    from keraskit.autograde import sandbox
    os_env = {**os.environ, "KERAS_BACKEND": "jax"}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "environ", os_env)
        assert sandbox.worker_environment("/tmp")["KERAS_BACKEND"] == "tensorflow"


@pytest.mark.parametrize("module", ["keraskit.plugin", "keraskit.autograde.judge",
                                    "keraskit.autograde.worker", "keraskit.nbgrader.checks"])
def test_each_process_entry_point_chooses_tensorflow_on_import(module):
    code = f"import os, {module}; print(os.environ['KERAS_BACKEND'])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "KERAS_BACKEND": "jax"})
    assert done.stdout.strip() == "tensorflow", done.stderr[-2000:]


@pytest.mark.slow  # a fresh process that imports TensorFlow and builds a model
def test_keras_under_the_plugin_runs_on_tensorflow_even_with_jax_asked():
    """Needs no jax: with the user's choice kept, `import keras` would fail or pick jax."""
    code = "import keraskit.plugin, keras; print(keras.backend.backend())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "KERAS_BACKEND": "jax"})
    assert done.stdout.strip().splitlines()[-1:] == ["tensorflow"], done.stderr[-2000:]


# ---- the CPU wheel, chosen explicitly; the check CI runs after installing the kit ----------------

def test_the_cpu_requirements_are_the_kits_with_the_cpu_wheel():
    listed = [Requirement(line) for line in (ROOT / "requirements" / "cpu.txt").read_text().splitlines()
              if line.strip() and not line.startswith("#")]
    declared = [Requirement(line) for line in environment._pyproject_requirements() if "extra ==" not in line]
    on_x86 = {"platform_machine": "x86_64"}
    chosen = {(r.name, str(r.specifier)) for r in listed if r.marker is None or r.marker.evaluate(on_x86)}
    expected = {("tensorflow-cpu" if r.name == "tensorflow" else r.name, str(r.specifier)) for r in declared}
    assert chosen == expected
    elsewhere = {r.name for r in listed if r.marker is None or r.marker.evaluate({"platform_machine": "aarch64"})}
    assert "tensorflow" in elsewhere and "tensorflow-cpu" not in elsewhere  # no CPU wheel there


def _install_check():
    import importlib.util
    spec = importlib.util.spec_from_file_location("check_tensorflow_install",
                                                  ROOT / "scripts" / "check_tensorflow_install.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_install_check_finds_a_file_another_distribution_overwrote(tmp_path):
    import base64
    import hashlib
    import importlib.metadata
    package = tmp_path / "tensorflow"
    package.mkdir()
    (package / "__init__.py").write_bytes(b"built with CUDA\n")
    (package / "other.py").write_bytes(b"x = 1\n")
    info = tmp_path / "tensorflow-2.21.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: tensorflow\nVersion: 2.21.0\n")

    def line(name):
        digest = hashlib.sha256((tmp_path / name).read_bytes()).digest()
        return f"{name},sha256={base64.urlsafe_b64encode(digest).rstrip(b'=').decode()},1"

    (info / "RECORD").write_text("\n".join([line("tensorflow/__init__.py"), line("tensorflow/other.py"),
                                            "tensorflow-2.21.0.dist-info/RECORD,,"]) + "\n")
    dist = importlib.metadata.PathDistribution(info)
    check = _install_check()
    assert check.changed_files(dist) == (2, [])
    (package / "__init__.py").write_bytes(b"built for the CPU only\n")  # what tensorflow-cpu did
    (package / "other.py").unlink()
    assert check.changed_files(dist) == (2, ["tensorflow/__init__.py", "tensorflow/other.py (missing)"])


# ---- the full wheels' import-time log lines on descriptor 2 --------------------------------------

@pytest.mark.parametrize("quieted", [True, False])
def test_tensorflow_import_chatter_on_descriptor_2_is_silenced(tmp_path, quieted):
    """A stand-in `tensorflow` that writes to fd 2 on import, as the full wheels do (CUDA probing)."""
    package = tmp_path / "tensorflow"
    package.mkdir()
    (package / "__init__.py").write_text("import os\nos.write(2, b'Could not find cuda drivers\\n')\n"
                                         "import tensorflow.sub\nvalue = tensorflow.sub.value\n")
    (package / "sub.py").write_text("import os\nos.write(2, b'Unable to register cuDNN factory\\n')\nvalue = 42\n")
    code = ("import sys\nfrom keraskit import quiet\n" + ("quiet.silence_tensorflow()\n" if quieted else "") +
            "import tensorflow\nprint(tensorflow.value)\nprint('after', file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert done.stdout.strip() == "42"
    if quieted:
        assert done.stderr == "after\n", "stderr works again after the import"
    else:
        assert "Could not find cuda drivers" in done.stderr  # the stand-in shows the hazard


def test_a_failing_tensorflow_import_still_raises_its_error(tmp_path):
    (tmp_path / "tensorflow").mkdir()
    (tmp_path / "tensorflow" / "__init__.py").write_text("raise ImportError('undefined symbol: TF_Foo')\n")
    code = "from keraskit import quiet\nquiet.silence_tensorflow()\nimport tensorflow\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert done.returncode == 1 and "ImportError: undefined symbol: TF_Foo" in done.stderr
