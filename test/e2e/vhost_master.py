#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A minimal vhost-user front-end (the guest's side) for test/e2e/vhost.sh.

  vhost_master.py late SOCKET DST SRC
      connect to the vif's server socket, negotiate VERSION_1, MQ and
      protocol features (no EVENT_IDX, so the rings' used->flags tell
      whether the back-end wants kicks), set up queue pair 0 and enable
      it, then, once the back-end attached, set up queue pair 1 and enable
      it, as QEMU does with a multi-queue guest (one vhost device per queue
      pair, started one after the other). On each pair's TX vring one frame
      DST <- SRC (ethertype 0x88b5, SEQ 1 on pair 0 and 2 on pair 1) is
      made available. Prints, one line each:
        pair0 NO_NOTIFY-of-vring-0 NO_NOTIFY-of-vring-1 TX-used-idx-of-vring-1
        pair1 NO_NOTIFY-of-vring-2 NO_NOTIFY-of-vring-3 TX-used-idx-of-vring-3
      (NO_NOTIFY 1: the back-end asked for no kicks; used idx 1: it read
      the frame) read after waiting up to 5 s for each.
"""
import array
import mmap
import os
import socket
import struct
import sys
import time

GET_FEATURES, SET_FEATURES, SET_OWNER, SET_MEM_TABLE = 1, 2, 3, 5
SET_VRING_NUM, SET_VRING_ADDR, SET_VRING_BASE = 8, 9, 10
SET_VRING_KICK, SET_VRING_CALL = 12, 13
GET_PROTOCOL_FEATURES, SET_PROTOCOL_FEATURES, SET_VRING_ENABLE = 15, 16, 18

F_MQ, F_PROTOCOL, F_VERSION_1 = 1 << 22, 1 << 30, 1 << 32
PROTO_F_MQ = 1 << 0
USED_F_NO_NOTIFY = 1

MEM = 2 << 20
UA = 0x7F0000000000  # the "userspace address" of the region (any value)
NUM = 256
HDR_LEN = 12  # virtio_net_hdr with num_buffers (VERSION_1)


def ring_base(q):
    return q * 0x4000


def desc_off(q):
    return ring_base(q)


def avail_off(q):
    return ring_base(q) + 0x1000


def used_off(q):
    return ring_base(q) + 0x2000


def buf_off(q):
    return 0x100000 + q * 0x1000


class Master:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(10)
        self.s.connect(path)
        self.fd = os.memfd_create("vhost-master")
        os.ftruncate(self.fd, MEM)
        self.mem = mmap.mmap(self.fd, MEM)
        self.events = []

    def send(self, req, payload=b"", fds=()):
        msg = struct.pack("<III", req, 1, len(payload)) + payload
        anc = []
        if fds:
            anc = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds).tobytes())]
        self.s.sendmsg([msg], anc)

    def reply_u64(self, req):
        self.send(req)
        hdr = self.s.recv(12, socket.MSG_WAITALL)
        r, _flags, size = struct.unpack("<III", hdr)
        body = self.s.recv(size, socket.MSG_WAITALL)
        if r != req or size != 8:
            raise RuntimeError("bad reply to %d: %d/%d" % (req, r, size))
        return struct.unpack("<Q", body)[0]

    def u16(self, off):
        return struct.unpack_from("<H", self.mem, off)[0]

    def setup(self):
        self.send(SET_OWNER)
        feats = self.reply_u64(GET_FEATURES)
        self.send(SET_FEATURES, struct.pack("<Q", feats & (F_MQ | F_PROTOCOL | F_VERSION_1)))
        proto = self.reply_u64(GET_PROTOCOL_FEATURES)
        self.send(SET_PROTOCOL_FEATURES, struct.pack("<Q", proto & PROTO_F_MQ))
        region = struct.pack("<QQQQ", 0, MEM, UA, 0)
        self.send(SET_MEM_TABLE, struct.pack("<II", 1, 0) + region, [self.fd])

    def vring(self, q):
        self.send(SET_VRING_NUM, struct.pack("<II", q, NUM))
        self.send(SET_VRING_ADDR, struct.pack("<IIQQQQ", q, 0, UA + desc_off(q),
                                              UA + used_off(q), UA + avail_off(q), 0))
        self.send(SET_VRING_BASE, struct.pack("<II", q, 0))
        for req in (SET_VRING_KICK, SET_VRING_CALL):
            efd = os.eventfd(0, os.EFD_NONBLOCK)
            self.events.append(efd)
            self.send(req, struct.pack("<Q", q), [efd])

    def enable(self, q):
        self.send(SET_VRING_ENABLE, struct.pack("<II", q, 1))

    def offer_frame(self, q, dst, src, seq):
        """One frame in descriptor 0 of TX vring q, made available."""
        frame = dst + src + struct.pack("!H", 0x88B5) + struct.pack("<I", seq) + b" " * 42
        data = bytes(HDR_LEN) + frame
        self.mem[buf_off(q):buf_off(q) + len(data)] = data
        struct.pack_into("<QIHH", self.mem, desc_off(q), buf_off(q), len(data), 0, 0)
        struct.pack_into("<H", self.mem, avail_off(q) + 4, 0)  # ring[0] = desc 0
        struct.pack_into("<H", self.mem, avail_off(q) + 2, 1)  # idx = 1

    def wait(self, cond, seconds=5.0):
        end = time.monotonic() + seconds
        while not cond() and time.monotonic() < end:
            time.sleep(0.05)

    def pair(self, k, dst, src):
        rx, tx = 2 * k, 2 * k + 1
        self.offer_frame(tx, dst, src, k + 1)
        self.vring(rx)
        self.vring(tx)
        self.enable(rx)
        self.enable(tx)

        def quiet():
            return (self.u16(used_off(rx)) & USED_F_NO_NOTIFY and
                    self.u16(used_off(tx)) & USED_F_NO_NOTIFY)

        self.wait(lambda: quiet() and self.u16(used_off(tx) + 2) == 1)
        print("pair%d %d %d %d" % (k, self.u16(used_off(rx)) & USED_F_NO_NOTIFY,
                                   self.u16(used_off(tx)) & USED_F_NO_NOTIFY,
                                   self.u16(used_off(tx) + 2)), flush=True)


def mac(s):
    return bytes(int(b, 16) for b in s.split(":"))


def main():
    if len(sys.argv) != 5 or sys.argv[1] != "late":
        sys.exit(__doc__)
    m = Master(sys.argv[2])
    m.setup()
    dst, src = mac(sys.argv[3]), mac(sys.argv[4])
    m.pair(0, dst, src)
    m.pair(1, dst, src)
    time.sleep(0.2)


if __name__ == "__main__":
    main()
