#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Helpers of test/e2e/vhost.sh: the external host on the wire and a bad guest.

  vhost_peer.py send IFACE DST SRC SEQ0 COUNT [RATE]
      send COUNT frames DST <- SRC (ethertype 0x88b5, the 4-byte little-endian
      SEQ0+i after the header, as pcap.sh's pcap_frame), RATE frames/s (0: at once)
  vhost_peer.py capture IFACE SECONDS
      print the SEQ of every 0x88b5 frame received on IFACE, one per line,
      until SECONDS passed or SIGTERM/SIGINT
  vhost_peer.py garbage SOCKET
      connect to a vhost-user socket, write bytes that are no vhost-user
      message; print "closed" when the server closes the connection, else
      "open" after 5 s
  vhost_peer.py listen SOCKET SECONDS
      listen on a UNIX socket for SECONDS (a live listener)
  vhost_peer.py stale SOCKET
      leave a socket file nobody listens on
"""
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
ETHERTYPE = 0x88B5


def mac(s):
    return bytes(int(b, 16) for b in s.split(":"))


def send(iface, dst, src, seq0, count, rate=0):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    hdr = mac(dst) + mac(src) + struct.pack("!H", ETHERTYPE)
    gap = 1.0 / rate if rate > 0 else 0
    t = time.monotonic()
    for i in range(count):
        s.send(hdr + struct.pack("<I", seq0 + i) + b" " * 42)
        if gap:
            t += gap
            d = t - time.monotonic()
            if d > 0:
                time.sleep(d)


def capture(iface, seconds):
    stop = [False]

    def on_signal(_sig, _frm):
        stop[0] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((iface, 0))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    end = time.monotonic() + seconds
    out = []
    while not stop[0] and time.monotonic() < end:
        try:
            r, _, _ = select.select([s], [], [], 0.1)
        except InterruptedError:
            continue
        if not r:
            continue
        data, addr = s.recvfrom(65536)
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        if len(data) >= 18 and struct.unpack("!H", data[12:14])[0] == ETHERTYPE:
            out.append(struct.unpack("<I", data[14:18])[0])
    sys.stdout.write("".join("%d\n" % q for q in out))


def garbage(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    # a header claiming request 0xdead with a size beyond any message
    s.sendall(struct.pack("<III", 0xDEAD, 0x1, 0xFFFFFF) + b"\xff" * 64)
    s.settimeout(5)
    try:
        while True:
            d = s.recv(4096)
            if not d:
                print("closed")
                return
    except ConnectionResetError:
        print("closed")
    except socket.timeout:
        print("open")


def listen(path, seconds):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(4)
    time.sleep(seconds)


def stale(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.close()


def main():
    a = sys.argv[1:]
    if a[0] == "send":
        send(a[1], a[2], a[3], int(a[4]), int(a[5]), float(a[6]) if len(a) > 6 else 0)
    elif a[0] == "capture":
        capture(a[1], float(a[2]))
    elif a[0] == "garbage":
        garbage(a[1])
    elif a[0] == "listen":
        listen(a[1], float(a[2]))
    elif a[0] == "stale":
        stale(a[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
