"""Start OpenLink Virtuoso (Debian's ``virtuoso-opensource``) for the tests.

A fresh database in a temporary folder, bound to 127.0.0.1 on two free ports (SQL and
HTTP), with the SPARQL_UPDATE role granted to the anonymous ``SPARQL`` user so that
``build`` can push the graph through the SPARQL 1.1 protocol, as a team's server would.
``scripts/test.sh`` installs the package with apt when ``virtuoso-t`` is missing.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

INI = """\
[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 120
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(folder: Path) -> Iterator[str]:
    """A Virtuoso server on a new database in ``folder``; yields its SPARQL endpoint URL
    (queries and updates both go to ``/sparql``)."""
    exe, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if exe is None or isql is None:
        raise FileNotFoundError("virtuoso-t / isql-vt not found: run scripts/test.sh, which "
                                "installs Debian's virtuoso-opensource")
    sql_port, http_port = _free_port(), _free_port()
    (folder / "virtuoso.ini").write_text(INI.format(sql_port=sql_port, http_port=http_port))
    process = subprocess.Popen([exe, "+foreground", "+configfile", "virtuoso.ini"], cwd=folder,
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{http_port}/sparql"
    try:
        for _ in range(600):  # a new database takes a few seconds (at most ~60 s)
            try:
                urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=1).close()
                break
            except OSError:
                if process.poll() is not None:
                    log = folder / "virtuoso.log"
                    raise RuntimeError("virtuoso exited: " + (log.read_text()[-2000:] if log.exists() else ""))
                time.sleep(0.1)
        else:
            raise RuntimeError("virtuoso did not start within 60 s")
        subprocess.run([isql, f"127.0.0.1:{sql_port}", "dba", "dba",
                        'exec=GRANT SPARQL_UPDATE TO "SPARQL";'], check=True, capture_output=True, timeout=60)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
