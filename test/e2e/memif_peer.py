#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A small memif 2.0 peer for test/e2e/memif.sh: what DPDK's testpmd cannot
play. Commands:
  garbage PATH ID_BUSY         connections that speak garbage; prints the
                               DISCONNECT reason each gets
  baddesc PATH ID DST SRC      a client that connects, then writes bad
                               descriptors and one good frame DST <- SRC on
                               its C2S ring; prints what the server consumed
  idle PATH                    connect and send nothing: the server's verdict
  stale PATH                   leave a socket file nobody listens on
  listen PATH SECONDS          a live listener at PATH
"""
import mmap
import os
import socket
import struct
import sys
import time

MSG = 128
ACK, HELLO, INIT, ADD_REGION, ADD_RING, CONNECT, CONNECTED, DISCONNECT = range(1, 9)
COOKIE = 0x3E31F20


def msg(mtype, body=b""):
    return (struct.pack("<H", mtype) + body).ljust(MSG, b"\0")


def recv(s):
    data = s.recv(MSG)
    if not data:
        return None, b""
    return struct.unpack_from("<H", data)[0], data


def reason(data):
    return data[6:102].split(b"\0")[0].decode(errors="replace")


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(5)
    s.connect(path)
    t, _ = recv(s)
    assert t == HELLO, t
    return s


def expect_disconnect(s, label):
    t, data = recv(s)
    if t == DISCONNECT:
        print(f"{label}: DISCONNECT {reason(data)}")
    else:
        print(f"{label}: got {t}")
    t, _ = recv(s)  # then the server closes
    print(f"{label}: {'closed' if t is None else 'still open'}")


def init(id_, secret=b""):
    return msg(INIT, struct.pack("<HIB24s32s", 0x0200, id_, 0, secret, b"memif_peer.py"))


def garbage(path, busy):
    s = connect(path)
    s.send(msg(99))
    expect_disconnect(s, "unknown type")
    s = connect(path)
    s.send(b"\x03\x00short")
    expect_disconnect(s, "short message")
    s = connect(path)
    s.send(init(424242))
    expect_disconnect(s, "unknown id")
    s = connect(path)
    s.send(init(int(busy)))
    expect_disconnect(s, "busy id")
    s = connect(path)
    s.send(msg(CONNECT))
    expect_disconnect(s, "connect first")


def region_fd(size):
    fd = os.memfd_create("memif_peer", os.MFD_ALLOW_SEALING)
    os.ftruncate(fd, size)
    return fd


def send_fd(s, data, fd):
    socket.send_fds(s, [data], [fd])


def baddesc(path, id_, dst, src):
    size, log2 = 1 << 20, 4
    ring_bytes = 128 + 16 * (1 << log2)
    # a region declared larger than its file is refused
    s = connect(path)
    s.send(init(int(id_)))
    assert recv(s)[0] == ACK
    small = region_fd(4096)
    send_fd(s, msg(ADD_REGION, struct.pack("<HQ", 0, size)), small)
    expect_disconnect(s, "region smaller than declared")
    os.close(small)
    # a full connection
    fd = region_fd(size)
    mem = mmap.mmap(fd, size)
    for off in (0, ring_bytes):
        struct.pack_into("<I", mem, off, COOKIE)
    s = connect(path)
    s.send(init(int(id_)))
    assert recv(s)[0] == ACK
    send_fd(s, msg(ADD_REGION, struct.pack("<HQ", 0, size)), fd)
    assert recv(s)[0] == ACK
    for flags, off in ((1, 0), (0, ring_bytes)):
        efd = os.eventfd(0)
        send_fd(s, msg(ADD_RING, struct.pack("<HHHIBH", flags, 0, 0, off, log2, 0)), efd)
        assert recv(s)[0] == ACK
    s.send(msg(CONNECT, b"peer0".ljust(32, b"\0")))
    t, _ = recv(s)
    print("connected" if t == CONNECTED else f"not connected: {t}")
    buf0 = 2 * ring_bytes
    frame = bytes.fromhex(dst.replace(":", "")) + bytes.fromhex(src.replace(":", "")) + \
        b"\x08\x00" + b"\x45" + b"\0" * 45
    mem[buf0 + 2048 * 3:buf0 + 2048 * 3 + len(frame)] = frame
    descs = [
        (0, 0, 100, 0x80000000),  # outside the region
        (0, 5, 100, 0),  # region 5 does not exist
        (0, 0, 5, buf0),  # a runt
        (0, 0, 3000, buf0),  # longer than the MTU
        (0, 0, len(frame), buf0 + 2048 * 3),  # a good frame
        (1, 0, 60, buf0),  # a chain cut at the last published slot
    ]
    for i, (fl, reg, ln, off) in enumerate(descs):
        struct.pack_into("<HHIII", mem, 128 + 16 * i, fl, reg, ln, off, 0)
    struct.pack_into("<H", mem, 6, len(descs))  # C2S head
    time.sleep(1.5)
    print("c2s tail", struct.unpack_from("<H", mem, 64)[0])
    s.close()


def idle(path):
    s = connect(path)
    s.settimeout(10)
    expect_disconnect(s, "idle")


def stale(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.bind(path)
    os._exit(0)


def listen(path, secs):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.bind(path)
    s.listen(4)
    time.sleep(float(secs))
    os.unlink(path)


if __name__ == "__main__":
    {"garbage": garbage, "baddesc": baddesc, "idle": idle, "stale": stale, "listen": listen}[sys.argv[1]](
        *sys.argv[2:])
