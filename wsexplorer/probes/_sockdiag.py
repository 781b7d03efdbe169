"""Raw ``SOCK_DIAG_BY_FAMILY`` dumps over a plain netlink socket, parsed with ``struct``.

This is what ``ss`` does (iproute2 ``misc/ss.c``): one dump request per address family,
filtered by socket state in the kernel, and the ``INET_DIAG_SKV6ONLY`` attribute read from
each IPv6 answer. Stdlib only, Linux only; callers fall back elsewhere on ``OSError``.

Layouts and constants are from linux ``include/uapi/linux/netlink.h``,
``include/uapi/linux/sock_diag.h`` and ``include/uapi/linux/inet_diag.h``; the kernel side
is ``net/ipv4/inet_diag.c``.
"""

from __future__ import annotations

import _socket  # the C module: ``socket``'s enums cost ~8 ms of CPU a start (issue 14)
import errno
import struct
import sys

__all__ = [
    "AF_INET",
    "AF_INET6",
    "IPPROTO_TCP",
    "IPPROTO_UDP",
    "PROTOCOL_NAMES",
    "TCP_CLOSE",
    "TCP_LISTEN",
    "SockDiagError",
    "SocketRow",
    "dump",
    "port_bytecode",
]

NETLINK_SOCK_DIAG = 4  # include/uapi/linux/netlink.h
SOCK_DIAG_BY_FAMILY = 20  # include/uapi/linux/sock_diag.h
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLM_F_REQUEST = 0x01
NLM_F_DUMP = 0x300  # NLM_F_ROOT | NLM_F_MATCH
NLM_F_DUMP_INTR = 0x10  # the table changed under the dump; answers may repeat or miss
INET_DIAG_REQ_BYTECODE = 1
INET_DIAG_SKV6ONLY = 11  # u8; sent for AF_INET6 sockets in LISTEN or CLOSE, no ext bit needed
INET_DIAG_BC_S_GE = 2
INET_DIAG_BC_S_LE = 3
NLA_TYPE_MASK = 0x3FFF  # strips NLA_F_NESTED / NLA_F_NET_BYTEORDER

AF_INET = int(_socket.AF_INET)
AF_INET6 = int(_socket.AF_INET6)
IPPROTO_TCP = 6
IPPROTO_UDP = 17
TCP_LISTEN = 10  # include/net/tcp_states.h
TCP_CLOSE = 7  # an unconnected bound UDP socket is reported in this state

# nlmsghdr {u32 len; u16 type; u16 flags; u32 seq; u32 pid} + inet_diag_req_v2
# {u8 family; u8 protocol; u8 ext; u8 pad; u32 states; inet_diag_sockid id (48 bytes)}.
_REQUEST = struct.Struct("=IHHIIBBBxI48x")
# One answer: nlmsghdr, then inet_diag_msg {u8 family, state, timer, retrans;
# sockid {be16 sport, dport; be32 src[4], dst[4]; u32 if; u32 cookie[2]};
# u32 expires, rqueue, wqueue, uid, inode}, then attributes. Only the fields used are
# unpacked: len, type, flags, family, sport (raw, network order), src, if, uid, inode, and
# the headers of the first two attributes with the second one's first byte. The kernel
# writes INET_DIAG_SHUTDOWN then INET_DIAG_SKV6ONLY first (inet_diag_msg_attrs_fill), so
# one unpack usually finds v6only; any other layout is walked attribute by attribute.
_ANSWER = struct.Struct("=IHH8xB3xH2x16s16xI20xIIHH4xHHB")
_ANSWER_SIZE = 88  # sizeof(nlmsghdr) + sizeof(inet_diag_msg): attributes start here
_FAST_V6ONLY_END = _ANSWER.size  # the fast path reads this far into the message
_ATTR = struct.Struct("=HH")
_ERRNO = struct.Struct("=i")
_BC_OP = struct.Struct("=BBH")  # inet_diag_bc_op {u8 code; u8 yes; u16 no}
_LITTLE = sys.byteorder == "little"
_RECV_SIZE = 1 << 20  # the kernel fills at most ~32 KiB per dump recv; stay well clear
_SLACK = 128  # room past the received bytes, so a fixed-size unpack never runs off the end

PROTOCOL_NAMES = {IPPROTO_TCP: "tcp", IPPROTO_UDP: "udp"}

#: One socket, ready to sort: ``(port, family, address, protocol, inode, v6only, uid)``.
#: ``family`` is ``AF_INET``/``AF_INET6`` (so IPv4 sorts first), ``address`` as
#: ``inet_ntop`` writes it (a link-local IPv6 address gets ``%scope``), ``protocol``
#: ``"tcp"``/``"udp"``, ``v6only`` 1/0, or -1 when the kernel sent no
#: ``INET_DIAG_SKV6ONLY`` (always so for AF_INET).
SocketRow = tuple[int, int, str, str, int, int, int]


class SockDiagError(OSError):
    """The kernel refused or broke off a sock_diag dump."""


def port_bytecode(port: int) -> bytes:
    """An ``INET_DIAG_REQ_BYTECODE`` program keeping sockets whose local port is ``port``.

    Written as ``sport >= port && sport <= port`` (the ``S_GE``/``S_LE`` ops every kernel
    with inet_diag has; ``S_EQ`` only exists since 4.16). Each comparison is two ops:
    the opcode and a second op whose ``no`` field carries the port. ``yes`` jumps to the
    next comparison; ``no`` jumps 4 bytes past the end, which rejects (``inet_diag_bc_run``
    accepts only when the program ends exactly at its length).
    """
    if not 0 <= port <= 0xFFFF:
        raise ValueError(f"port out of range: {port}")
    prog_len = 16
    return b"".join(
        (
            _BC_OP.pack(INET_DIAG_BC_S_GE, 8, prog_len + 4),
            _BC_OP.pack(0, 0, port),
            _BC_OP.pack(INET_DIAG_BC_S_LE, 8, prog_len - 8 + 4),
            _BC_OP.pack(0, 0, port),
        )
    )


def _request(family: int, protocol: int, states: int, seq: int, port: int | None) -> bytes:
    attrs = b""
    if port is not None:
        code = port_bytecode(port)
        attrs = _ATTR.pack(4 + len(code), INET_DIAG_REQ_BYTECODE) + code
    head_len = _REQUEST.size
    return (
        _REQUEST.pack(
            head_len + len(attrs),
            SOCK_DIAG_BY_FAMILY,
            NLM_F_REQUEST | NLM_F_DUMP,
            seq,
            0,
            family,
            protocol,
            0,  # idiag_ext: nothing extra; INET_DIAG_SKV6ONLY comes without asking
            states,
        )
        + attrs
    )


def _v6only(buf: bytearray, start: int, end: int) -> int:
    """Find ``INET_DIAG_SKV6ONLY`` among the attributes in ``buf[start:end]``; -1 if absent."""
    unpack = _ATTR.unpack_from
    while start + 4 <= end:
        alen, atype = unpack(buf, start)
        if atype & NLA_TYPE_MASK == INET_DIAG_SKV6ONLY and alen >= 5 and start + alen <= end:
            return 1 if buf[start + 4] else 0
        if alen < 4:
            break
        start += (alen + 3) & ~3
    return -1


def _ifname(index: int) -> str:
    try:
        return _socket.if_indextoname(index)
    except OSError:
        return str(index)


def _address(family: int, src: bytes, ifindex: int) -> str:
    if family == AF_INET:
        return _socket.inet_ntop(family, src[:4])
    addr = _socket.inet_ntop(family, src)
    # A link-local address means nothing without its scope; ss prints it too.
    if ifindex and addr[:5].lower() == "fe80:":
        addr = f"{addr}%{_ifname(ifindex)}"
    return addr


def _dump_once(
    sock: _socket.socket,
    buf: bytearray,
    request: tuple[int, int, int],
    seq: int,
    port: int | None,
    seen: set[int],
    out: list[SocketRow],
) -> bool:
    """One dump; appends new rows to ``out``. Returns whether the kernel flagged it
    as interrupted (``NLM_F_DUMP_INTR``)."""
    family, protocol, states = request
    sock.send(_request(family, protocol, states, seq, port))
    proto_name = PROTOCOL_NAMES.get(protocol, str(protocol))
    append = out.append
    unpack = _ANSWER.unpack_from
    little = _LITTLE
    v6 = family == AF_INET6
    recv_into = sock.recv_into
    names: dict[tuple[bytes, int], str] = {}
    interrupted = False
    while True:
        n = recv_into(buf, _RECV_SIZE)
        if n == 0:
            raise SockDiagError(errno.EIO, "sock_diag: netlink socket closed mid-dump")
        off = 0
        # ``buf`` has _SLACK bytes past the largest recv, so unpacking 101 bytes at any
        # ``off < n`` stays inside it even for the short DONE/ERROR messages (the fields
        # past a message's end are then junk and are not used).
        while off < n:
            (mlen, mtype, mflags, fam, sport, src, ifindex, uid, inode,
             a1len, a1type, a2len, a2type, a2val) = unpack(buf, off)  # fmt: skip
            if mlen < 16:
                raise SockDiagError(errno.EPROTO, f"sock_diag: bad message length {mlen}")
            off_next = off + ((mlen + 3) & ~3)
            if mtype == SOCK_DIAG_BY_FAMILY:
                if mflags & NLM_F_DUMP_INTR:
                    interrupted = True
                if inode:
                    if inode in seen:  # the same socket twice: the table moved mid-dump
                        off = off_next
                        continue
                    seen.add(inode)
                if little:
                    sport = ((sport & 0xFF) << 8) | (sport >> 8)
                if port is not None and sport != port:
                    off = off_next  # the kernel filtered already; a cheap guard
                    continue
                if not v6:
                    v6flag = -1
                elif (
                    a2type == INET_DIAG_SKV6ONLY
                    and a2len >= 5
                    and 5 <= a1len <= 8
                    and a1type & NLA_TYPE_MASK != INET_DIAG_SKV6ONLY
                    and mlen >= _FAST_V6ONLY_END
                ):
                    v6flag = 1 if a2val else 0
                else:
                    v6flag = _v6only(buf, off + _ANSWER_SIZE, off + mlen)
                key = (src, ifindex)
                addr = names.get(key)
                if addr is None:
                    addr = names[key] = _address(fam, src, ifindex)
                append((sport, fam, addr, proto_name, inode, v6flag, uid))
            elif mtype == NLMSG_DONE:
                if mflags & NLM_F_DUMP_INTR:
                    interrupted = True
                (code,) = _ERRNO.unpack_from(buf, off + 16) if mlen >= 20 else (0,)
                if code < 0:
                    raise SockDiagError(-code, f"sock_diag dump: {errno.errorcode.get(-code)}")
                return interrupted
            elif mtype == NLMSG_ERROR:
                (code,) = _ERRNO.unpack_from(buf, off + 16)
                if code < 0:
                    raise SockDiagError(-code, f"sock_diag request: {errno.errorcode.get(-code)}")
            off = off_next


def dump(
    requests: list[tuple[int, int, int]],
    *,
    port: int | None = None,
) -> list[SocketRow]:
    """Run one dump per ``(family, protocol, states_mask)`` and return every socket found.

    Args:
        requests: e.g. ``[(AF_INET, IPPROTO_TCP, 1 << TCP_LISTEN)]``.
        port: keep only sockets with this local port (filtered in the kernel).

    Returns:
        One row per socket (see ``SocketRow``), each inode once, in kernel order
        (sort the list to get port, family, address order).

    Raises:
        OSError: netlink is unavailable (not Linux, no ``AF_NETLINK``, refused by a
            sandbox) or the kernel answered with an error (``SockDiagError``).
    """
    family_netlink = getattr(_socket, "AF_NETLINK", None)
    if family_netlink is None:
        raise OSError(errno.EAFNOSUPPORT, "no AF_NETLINK on this platform")
    buf = bytearray(_RECV_SIZE + _SLACK)
    rows: list[SocketRow] = []
    seen: set[int] = set()
    sock = _socket.socket(family_netlink, _socket.SOCK_RAW, NETLINK_SOCK_DIAG)
    try:
        for seq, request in enumerate(requests, start=1):
            mark = len(rows)
            if _dump_once(sock, buf, request, seq, port, seen, rows):
                # The kernel says the table changed during the dump: some sockets may be
                # missing. Ask once more and keep the new answer (ss does not retry).
                for row in rows[mark:]:
                    seen.discard(row[4])
                del rows[mark:]
                _dump_once(sock, buf, request, seq + len(requests), port, seen, rows)
    finally:
        sock.close()
    return rows
