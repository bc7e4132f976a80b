"""Who may say what on NATS: one user per service, publishing only its own events.

Without credentials an anonymous client once published five forged ``ComplaintClosed`` events and ratings
turned them into credit records. With these permissions:

- a connection without a known user and password is refused;
- a service publishes events only on its own subjects (``wuye.<service>.>``), dead letters, and the
  JetStream API calls a publisher and a pull consumer need; it can never delete or purge a stream or a
  message, and it receives only on its own reply inboxes;
- the ``ops`` user (tools, the tests' checks) reads stream and consumer information and nothing else.

``server_config`` renders the ``authorization`` block for the embedded server of ``make run`` and the
tests; ``python -m wuye_chassis.nats_accounts`` prints the same block with each password as an
environment reference (``$WUYE_NATS_PASSWORD_REGISTRY``), for a NATS server configured by hand or by the
nats chart (deploy/README.md, "NATS credentials").
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from typing import Any

#: the read-only user for tools and the tests' checks
OPS_USER = "ops"

_JETSTREAM_CLIENT = [
    "$JS.API.INFO",
    "$JS.API.STREAM.INFO.*",
    "$JS.API.STREAM.NAMES",
    "$JS.API.STREAM.CREATE.*",
    "$JS.API.STREAM.UPDATE.*",
    "$JS.API.CONSUMER.>",
    "$JS.ACK.>",
]
_NEVER = ["$JS.API.STREAM.DELETE.>", "$JS.API.STREAM.PURGE.>", "$JS.API.STREAM.MSG.DELETE.>",
          "$JS.API.CONSUMER.DELETE.>", "$JS.API.STREAM.SNAPSHOT.>", "$JS.API.STREAM.RESTORE.>"]


def service_permissions(service: str) -> dict[str, Any]:
    return {
        "publish": {"allow": [f"wuye.{service}.>", "dlq.wuye.*", *_JETSTREAM_CLIENT], "deny": _NEVER},
        "subscribe": {"allow": ["_INBOX.>"]},
    }


def ops_permissions() -> dict[str, Any]:
    return {
        "publish": {"allow": ["$JS.API.INFO", "$JS.API.STREAM.INFO.*", "$JS.API.STREAM.NAMES",
                              "$JS.API.CONSUMER.INFO.*.*", "$JS.API.CONSUMER.NAMES.*", "$JS.API.CONSUMER.LIST.*"]},
        "subscribe": {"allow": ["_INBOX.>"]},
    }


def authorization(passwords: Mapping[str, str]) -> dict[str, Any]:
    """The server's ``authorization`` block: every service in ``passwords`` and, when given, ``ops``."""
    users = [
        {"user": user, "password": password,
         "permissions": ops_permissions() if user == OPS_USER else service_permissions(user)}
        for user, password in passwords.items()
    ]
    return {"authorization": {"users": users}}


def server_config(passwords: Mapping[str, str]) -> str:
    # the NATS configuration format reads JSON
    return json.dumps(authorization(passwords), indent=2)


def environment_references(services: Iterable[str]) -> str:
    """The block with each password read from the server's environment (NATS resolves a bare ``$NAME``)."""
    variables = {name: f"WUYE_NATS_PASSWORD_{name.upper()}" for name in [*services, OPS_USER]}
    text = server_config({name: f"@{variable}@" for name, variable in variables.items()})
    for variable in variables.values():
        text = text.replace(f'"@{variable}@"', f"${variable}")
    return text


if __name__ == "__main__":
    print(environment_references(sys.argv[1:] or ["registry", "complaints", "funds", "enforcement", "ratings"]))
