"""The client a message comes from, by network address: what limits key on, since a caller chooses its
sender id freely (a REST ``sender``, a new Socket.IO session) but not the address it connects from.

The address is Sanic's view of the peer: ``request.remote_addr`` when the server is configured to
trust a proxy's forwarding headers (Sanic's ``PROXIES_COUNT`` / ``REAL_IP_HEADER`` /
``FORWARDED_SECRET``, i.e. ``SANIC_PROXIES_COUNT=1`` behind one nginx), else the socket's peer
address. An IPv6 client is its /64 network (one subscriber usually holds a whole /64). The channels
put it in the message metadata under :data:`CLIENT_METADATA_KEY`, overriding anything the caller
sent there, for the inbox's per-client limit (officer/messages.py).
"""

from __future__ import annotations

import ipaddress
from typing import Any

CLIENT_METADATA_KEY = "client"
UNKNOWN = "unknown"


def client_address(request: Any) -> str:
    """The client's address (IPv4, or the IPv6 /64 network), or "unknown"."""
    raw = getattr(request, "remote_addr", "") or getattr(request, "ip", "") or ""
    try:
        address = ipaddress.ip_address(str(raw).split("%")[0])
    except ValueError:
        return UNKNOWN
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def with_client(metadata: Any, client: str) -> dict:
    """The message metadata with the channel's client address (the caller's own `client` is replaced)."""
    return {**(metadata if isinstance(metadata, dict) else {}), CLIENT_METADATA_KEY: client}
