"""Load on the team server: 20 clients x 200 mixed requests, sign-in on, 127.0.0.1 only.

Starts `w13xl serve` (HTTPS with a throw-away certificate, Entra ID sign-in checked by xlwings
Server against a locally generated key: tests/issuer.py) with W13XL_BENCHMARK=1, which adds
one trivial function (W13.ECHO: returns its argument) going through exactly the same path
(sign-in, body limit, worker pool, xlwings' call). Each client signs in as its own user and
sends 200 requests in a fixed mix: W13.RESERVE and W13.M2 on the sample's ranges, W13.INDEXEER,
W13.SCENARIO with a scenario file, W13.KANS (1.000 paths), the library's list, and W13.ECHO
with a range of the same size as RESERVE's. Reports errors, p50/p99 per kind and against ECHO
under the same load, and the server's memory (RSS) before and after.

    uv run python benchmarks/server_load.py [--clients 20] [--requests 200]
"""

from __future__ import annotations

import argparse
import os
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
import openpyxl

ROOT = Path(__file__).resolve().parents[1]


def rss_mib(pid: int) -> float:
    """Resident memory of the server process and its children (uvicorn runs in the w13xl process)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=200)
    opts = parser.parse_args()

    import trustme
    import xlwings as xw

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from issuer import TestIssuer

    work = Path(tempfile.mkdtemp(prefix="w13-load-"))
    authority = trustme.CA()
    leaf = authority.issue_cert("127.0.0.1")
    cert, key, ca = work / "cert.pem", work / "key.pem", work / "ca.pem"
    cert.write_bytes(b"".join(b.bytes() for b in leaf.cert_chain_pems))
    leaf.private_key_pem.write_to_path(str(key))
    authority.cert_pem.write_to_path(str(ca))
    script = Path(sys.executable).with_name("w13xl")
    w13xl = [str(script)] if script.exists() else [sys.executable, "-m", "w13xl"]
    issuer = TestIssuer()
    jwks = issuer.write_jwks(work / "jwks.json")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XLWINGS_", "W13XL_"))}
    env.update(issuer.environment(jwks), XLWINGS_LICENSE_KEY="noncommercial", W13XL_BENCHMARK="1",
               XLWINGS_LOG_LEVEL="WARNING")
    log = open(work / "server.log", "wb")  # noqa: SIM115 - open while the server runs
    proc = subprocess.Popen([*w13xl, "serve", "--host", "127.0.0.1", "--port", str(port), "--cert", str(cert),
                             "--key", str(key), "--scenarios", str(ROOT / "scenarios"), "--data", str(work / "data")],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"https://127.0.0.1:{port}"
    verify = ssl.create_default_context(cafile=str(ca))
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(base + "/", verify=verify).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit((work / "server.log").read_text(errors="replace"))
            time.sleep(0.3)
        time.sleep(1.0)
        rss_before = rss_mib(proc.pid)

        wb = openpyxl.load_workbook(ROOT / "workbooks" / "w13-mjp-2026-2031.xlsx", data_only=True)

        def grid(name):
            return [[(v.isoformat() if hasattr(v, "isoformat") else v) for v in row]
                    for row in wb[name].iter_rows(values_only=True)]

        synthese, parameters = grid("Synthese"), grid("Parameters")
        extra = [grid(n) for n in ("Parameters", "Personeel", "Weddeschalen", "Subsidies", "Indexering")]

        def body(func, args):
            return {"client": "Office.js", "func_name": func, "args": args, "caller_address": "[plan.xlsx]Blad1!B2",
                    "session_id": str(uuid.uuid4()), "culture_info_name": "nl-BE", "date_format": "d/mm/yyyy",
                    "version": xw.__version__, "runtime": "1.4"}

        mix = [
            ("RESERVE", "POST", body("w13_reserve", [synthese, parameters, None])),
            ("ECHO", "POST", body("w13_echo", [synthese])),
            ("M2", "POST", body("w13_m2", [synthese, parameters, None])),
            ("INDEXEER", "POST", body("w13_indexeer", [[[1000]], [[2026]], [[2031]], None, None])),
            ("ECHO", "POST", body("w13_echo", [synthese])),
            ("SCENARIO", "POST", body("w13_scenario", [synthese, [["pact-stopt-2028.toml"]], [["reserve"]], extra])),
            ("KANS", "POST", body("w13_kans", [synthese, None, [["reserve"]], [[1000]], [[1]], extra])),
            ("bibliotheek", "GET", None),
        ]
        results: dict[str, list[float]] = {}
        errors: list[str] = []
        lock = threading.Lock()

        def client(i: int):
            headers = {"Authorization": issuer.token(f"Gebruiker {i}")}
            with httpx.Client(base_url=base, verify=verify, headers=headers, timeout=120) as c:
                for n in range(opts.requests):
                    kind, method, payload = mix[(n + i) % len(mix)]
                    started = time.perf_counter()
                    try:
                        if method == "GET":
                            r = c.get("/w13/bibliotheek/scenarios")
                        else:
                            r = c.post("/xlwings/custom-functions-call", json=payload)
                        took = time.perf_counter() - started
                        ok = r.status_code == 200 and (
                            method == "GET" or not str(r.json()["result"][0][0]).startswith("#W13"))
                        problem = None if ok else f"{kind}: {r.status_code} {r.text[:120]}"
                    except httpx.HTTPError as exc:
                        took, problem = time.perf_counter() - started, f"{kind}: {type(exc).__name__}"
                    with lock:
                        results.setdefault(kind, []).append(took)
                        if problem:
                            errors.append(problem)

        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(opts.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
        time.sleep(1.0)
        rss_after = rss_mib(proc.pid)

        def pct(values, q):
            values = sorted(values)
            return values[min(len(values) - 1, round(q * (len(values) - 1)))]

        total = sum(len(v) for v in results.values())
        echo50, echo99 = pct(results["ECHO"], 0.5), pct(results["ECHO"], 0.99)
        print(f"{opts.clients} clients x {opts.requests} requests = {total} in {wall:.1f} s "
              f"({total / wall:.0f} requests/s), sign-in on (Entra ID test tokens), 127.0.0.1, HTTPS")
        print(f"errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
        print(f"{'kind':<12}{'n':>6}{'p50 ms':>10}{'p99 ms':>10}{'p50/ECHO':>10}{'p99/ECHO':>10}")
        for kind, values in sorted(results.items()):
            p50, p99 = pct(values, 0.5), pct(values, 0.99)
            print(f"{kind:<12}{len(values):>6}{p50 * 1000:>10.1f}{p99 * 1000:>10.1f}{p50 / echo50:>10.2f}"
                  f"{p99 / echo99:>10.2f}")
        print(f"server RSS: {rss_before:.0f} MiB before, {rss_after:.0f} MiB after "
              f"(+{rss_after - rss_before:.0f} MiB; caches bounded at W13XL_CACHE_MB=100)")
        print(f"mean of all: {statistics.mean(v for vs in results.values() for v in vs) * 1000:.1f} ms")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


if __name__ == "__main__":
    main()
