"""The library installs as `wandb_platform` and nothing else: no `components` or `stacks` at the top level."""

import subprocess
import sys
import zipfile

from tests.conftest import ROOT


def test_the_wheel_holds_only_wandb_platform_and_installs_apart_from_the_repository(tmp_path):
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = tmp_path.glob("wandb_platform-*.whl")
    version = (ROOT / "VERSION").read_text().strip()
    assert wheel.name.startswith(f"wandb_platform-{version}-")
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names} == {"wandb_platform", f"wandb_platform-{version}.dist-info"}
    assert "wandb_platform/aws/lb_controller_iam_policy.json" in names
    assert "wandb_platform/gcp/cluster.py" in names and "wandb_platform/k8s/wandb_release.py" in names
    packages = {n.rsplit("/", 1)[0] for n in names if n.endswith("/__init__.py")}
    source = {
        f"wandb_platform/{p.parent.relative_to(ROOT / 'components')}".rstrip("/.")
        for p in (ROOT / "components").rglob("__init__.py")
    }
    assert packages == source  # every subpackage of the library is in the wheel

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = [str(python), "-m", "pip", "install", "--no-deps", "--quiet", "--disable-pip-version-check", str(wheel)]
    subprocess.run(install, check=True, capture_output=True, cwd=tmp_path)
    probe = (
        "import importlib.util as u; print([m for m in ('wandb_platform', 'components', 'stacks') if u.find_spec(m)])"
    )
    found = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert found.stdout.strip() == "['wandb_platform']"
