"""`serve` on a port another program holds: one line naming the port and the option that picks another, exit 2."""

from __future__ import annotations

import socket

from tests.conftest import invoke


def test_serve_on_a_taken_port_says_so_in_one_line() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        result = invoke("serve", "--port", str(port))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "Serving" not in result.stderr and "Errno" not in result.stderr
    assert f"port {port} on 127.0.0.1 is taken" in result.stderr and "--port" in result.stderr
