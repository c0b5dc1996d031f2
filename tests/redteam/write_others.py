import json
from pathlib import Path

# Folders to vandalize: the batch tests put the class, output and a bystander folder here (all in
# the test's temporary folder). Nothing else is ever walked, so running this file by mistake
# outside a sandbox cannot reach beyond those folders.
TARGETS = []
WRONG = "def samples_first(x, sample_axis):\n    raise ValueError('vandalized')\n"


def _vandalize():
    roots = [Path(t) for t in TARGETS]
    if Path("/sub").is_dir() and Path.cwd().parent == Path("/sub"):  # inside the bwrap sandbox only
        roots.append(Path("/sub"))  # the other children's scratch folders, if any were left
    for root in roots:
        try:
            found = list(root.rglob("*"))[:5000]
        except Exception:
            continue
        for path in found:
            try:
                if path.is_dir():
                    (path / "planted.py").write_text(WRONG)
                elif path.suffix == ".py" and path.parent != Path.cwd():
                    path.write_bytes(path.read_bytes() + b"\n" + WRONG.encode())
                elif path.suffix == ".json":
                    path.write_text(json.dumps({"student": path.stem, "score": 1000, "max_score": 1}))
                elif path.suffix in (".csv", ".md", ".zip"):
                    path.write_text("vandalized")
            except Exception:
                pass
        for name in ("records/zz_ghost.json", "planted.txt"):
            try:
                (root / name).parent.mkdir(exist_ok=True)
                (root / name).write_text("{}")
            except Exception:
                pass


def samples_first(x, sample_axis):
    _vandalize()
    return x
