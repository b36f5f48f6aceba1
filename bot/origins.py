"""Web origins (``scheme://host[:port]``), the one parser for the page's and the sockets' settings.

An origin stands as it is in a CSP header, the page's configuration and Socket.IO's allowed-origin
list, so only an http(s) scheme, a host name or IP address and a port are accepted: no path, query,
user or odd characters. Used by bot/web/serve.py (``RASA_PUBLIC_URL``) and
bot/channels/socketio_channel.py (``WEB_ORIGIN``).
"""

from __future__ import annotations

import ipaddress
import re
import urllib.parse

_HOST_NAME = re.compile(r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> str:
    """The origin of an http(s) URL as a browser writes it in ``Origin``, or ValueError."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment or "@" in parts.netloc:
        raise ValueError(f"give scheme, host and port only: {url!r}")
    host = parts.hostname.lower()
    if ":" in host:
        try:
            host = f"[{ipaddress.IPv6Address(host).compressed}]"
        except ValueError as e:
            raise ValueError(f"not a host: {url!r}") from e
    elif not _HOST_NAME.fullmatch(host):
        raise ValueError(f"not a host name: {url!r}")
    try:
        port = parts.port
    except ValueError as e:
        raise ValueError(f"bad port: {url!r}") from e
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != _DEFAULT_PORTS[parts.scheme] else "")
