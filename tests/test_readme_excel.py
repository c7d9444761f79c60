"""Every `uv run w13xl ...` command of the docs page "Excel" (docs/reference/excel.md), run as written (from a
folder that has the repo's workbooks/ and scenarios/): the workbook and manifest commands must
write their files, the server commands must answer and are stopped again."""

from __future__ import annotations

import os
import re
import shlex
import ssl
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from helpers import stop_process
from test_serve import free_port, w13xl_command

ROOT = Path(__file__).resolve().parents[1]


def excel_commands() -> list[str]:
    # The README's former "Excel" section is the docs page docs/reference/excel.md.
    section = (ROOT / "docs" / "reference" / "excel.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", section, flags=re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip().startswith("uv run w13xl")]


COMMANDS = excel_commands()


def test_the_section_has_the_commands():
    assert [c.split()[3] for c in COMMANDS] == ["server", "server", "excel"]  # the team host: docs/server.md


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "workbooks").symlink_to(ROOT / "workbooks", target_is_directory=True)
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios", target_is_directory=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    env.update(HOME=str(tmp_path / "home"), USERPROFILE=str(tmp_path / "home"), XLWINGS_LICENSE_KEY="noncommercial")
    return tmp_path, env


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command(command, folder):
    cwd, env = folder
    args = shlex.split(command)[3:]
    if args[0] in ("serve", "server") and "--manifest" not in args:
        port = free_port()
        if "--port" in args:
            args[args.index("--port") + 1] = str(port)
        else:
            args += ["--port", str(port)]
        proc = subprocess.Popen([*w13xl_command(), *args], cwd=cwd, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            scheme = "http" if "--http" in args else "https"
            ca = cwd / "home" / ".w13xl" / "certs" / "w13xl-dev-ca.pem"
            deadline = time.monotonic() + 90
            while True:
                assert proc.poll() is None, proc.stdout.read().decode(errors="replace")
                verify = True if scheme == "http" else (ssl.create_default_context(cafile=str(ca)) if ca.exists() else None)
                if verify is not None:
                    try:
                        with httpx.Client(verify=verify, timeout=30) as client:
                            meta = client.get(f"{scheme}://127.0.0.1:{port}/xlwings/custom-functions-meta.json")
                        if meta.status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                assert time.monotonic() < deadline, "no answer"
                time.sleep(0.3)
            assert len(meta.json()["functions"]) >= 10
            if "--hostname" in args:  # behind the proxy: the manifest names https://HOST
                with httpx.Client(timeout=30) as client:
                    manifest = client.get(f"http://127.0.0.1:{port}/manifest",
                                          headers={"X-Forwarded-Proto": "https"}).text
                assert '<SourceLocation DefaultValue="https://w13.example.be/taskpane.html" />' in manifest
        finally:
            stop_process(proc)
        return
    done = subprocess.run([*w13xl_command(), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    if "--manifest" in args:
        manifest = (cwd / args[args.index("--manifest") + 1]).read_text(encoding="utf-8")
        base = "https://w13.example.be" if "--hostname" in args else "https://127.0.0.1:8000"
        assert manifest.startswith("<?xml") and f'<SourceLocation DefaultValue="{base}/taskpane.html" />' in manifest
        assert f"{base}/xlwings/custom-functions-meta.json" in manifest
    else:
        assert (cwd / args[2]).exists() and (cwd / args[2]).with_suffix(".py").exists()
