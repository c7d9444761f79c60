"""Every command of docs/server.md, run as written (from a folder with the repo's scenarios/),
in the page's order: the `.env` block is written where the page shows it; a server command must
answer on 127.0.0.1 and is stopped again; the others must succeed and write what they say."""

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
PAGE = ROOT / "docs" / "server.md"


def blocks() -> list[tuple[str, str]]:
    return re.findall(r"```(bash|dotenv)\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.S)


def commands() -> list[str]:
    return [line.strip() for kind, text in blocks() if kind == "bash" for line in text.splitlines()
            if line.strip().startswith("uv run")]


def test_the_page_shows_these_commands():
    assert [shlex.split(c)[3] for c in commands()] == ["serve", "serve", "serve", "bibliotheek", "bibliotheek",
                                                        "bibliotheek"]


def serve_until_it_answers(args: list[str], cwd: Path, env: dict) -> None:
    port = free_port()
    if "--port" in args:
        args[args.index("--port") + 1] = str(port)
    else:
        args += ["--port", str(port)]
    proc = subprocess.Popen([*w13xl_command(), *args], cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        scheme = "http" if "--http" in args else "https"
        ca = Path(env["HOME"]) / ".w13xl" / "certs" / "w13xl-dev-ca.pem"
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, proc.stdout.read().decode(errors="replace")
            verify = True if scheme == "http" else (ssl.create_default_context(cafile=str(ca)) if ca.exists() else None)
            if verify is not None:
                try:
                    with httpx.Client(verify=verify, timeout=30) as client:
                        if client.get(f"{scheme}://127.0.0.1:{port}/").status_code == 200:
                            meta = client.get(f"{scheme}://127.0.0.1:{port}/xlwings/custom-functions-meta.json")
                            assert len(meta.json()["functions"]) >= 10
                            return
                except httpx.TransportError:
                    pass
            assert time.monotonic() < deadline, "no answer"
            time.sleep(0.3)
    finally:
        stop_process(proc)


def test_every_command_of_the_page(tmp_path):
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios", target_is_directory=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XLWINGS_", "W13XL_"))}
    env.update(HOME=str(tmp_path / "home"), USERPROFILE=str(tmp_path / "home"), XLWINGS_LICENSE_KEY="noncommercial")
    ran = []
    for kind, text in blocks():
        if kind == "dotenv":
            (tmp_path / ".env").write_text(text, encoding="utf-8")
            continue
        for line in text.splitlines():
            if not line.strip().startswith("uv run"):
                continue
            args = shlex.split(line)[3:]
            if args[0] == "serve" and "--manifest" not in args:
                serve_until_it_answers(args, tmp_path, env)
            else:
                done = subprocess.run([*w13xl_command(), *args], cwd=tmp_path, env=env, capture_output=True,
                                      text=True, timeout=120)
                assert done.returncode == 0, (line, done.stdout, done.stderr)
            ran.append(args[0] if args[0] == "serve" else f"{args[0]} {args[1]}")
    assert ran == ["serve", "serve", "serve", "bibliotheek import", "bibliotheek export", "bibliotheek backup"]
    manifest = (tmp_path / "manifest.xml").read_text(encoding="utf-8")  # with sign-in: WebApplicationInfo
    assert "<Id>11111111-2222-4333-8444-555555555555</Id>" in manifest
    assert "<Resource>api://w13.example.be/11111111-2222-4333-8444-555555555555</Resource>" in manifest
    assert 'DefaultValue="https://w13.example.be/taskpane.html"' in manifest
    assert (tmp_path / "data" / "bibliotheek.sqlite").is_file()
    assert (tmp_path / "pact.toml").read_text(encoding="utf-8").startswith("# pact-stopt-2028@1 uit de W13-")
    assert (tmp_path / "bibliotheek-kopie.sqlite").stat().st_size > 0


@pytest.mark.parametrize("args, fragment", [
    (["--anoniem", "--host", "0.0.0.0", "--hostname", "w13.example.be"],
     "Fout: --anoniem --host 0.0.0.0: anoniem gebruik alleen op 127.0.0.1, ::1 of localhost"),
])
def test_the_refusal_the_page_quotes(args, fragment, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XLWINGS_", "W13XL_"))}
    env.update(HOME=str(tmp_path), XLWINGS_LICENSE_KEY="noncommercial")
    done = subprocess.run([*w13xl_command(), "serve", *args], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2 and fragment in done.stdout + done.stderr
    quoted = re.search(r"    (Fout: --anoniem --host 0\.0\.0\.0: .*?) \.\.\.", PAGE.read_text(encoding="utf-8"))
    assert quoted and quoted.group(1) in done.stdout + done.stderr
