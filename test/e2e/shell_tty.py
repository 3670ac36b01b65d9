#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The shell at a terminal, driven through a pty (no expect needed).

Session 1: TAB completes the verb, the subcommand and a vif's name; `?` on an
empty line lists the verbs and `link set <vif> ?` the options, each with the
line drawn again under the list; ^C clears the typed line (the next command
runs alone); a SIGINT while typing clears the line and does not end the
program; ^D on an empty line ends it with status 0 and a full mempool.
Session 2 (--stats-period 1): the periodic stats never land after what is
being typed: each block starts by clearing the line and ends with the prompt
and the typed text drawn again; then SIGTERM still ends the program.

Usage: shell_tty.py DPDK_MACVLAN
"""
import os
import pty
import re
import select
import shutil
import signal
import sys
import time

APP = sys.argv[1]
PREFIX = "mvt%dtty" % os.getpid()
PROMPT = "macvlan> "
CLEAR = "\r\x1b[K"       # shell_async.c: the line cleared before output
REDRAW = "\x1bM\x1bE"    # rdline_redisplay: back to the line's start
passed = failed = 0


def check(cond, what, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok   " + what)
    else:
        failed += 1
        print("FAIL " + what + (": " + repr(detail[-600:]) if detail else ""))


class Session:
    def __init__(self, tag, extra):
        eal = ("--no-huge -m 256 --no-pci --no-shconf --file-prefix=%s%s -l 0-1 "
               "--log-level=*:warning --vdev net_null0,no-rx=1" % (PREFIX, tag)).split()
        argv = [APP] + eal + ["--", "-i", "--ctl-socket", "none"] + extra
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execv(APP, argv)
        self.out = ""
        self.status = None

    def read(self, seconds):
        end = time.time() + seconds
        while time.time() < end:
            r, _, _ = select.select([self.fd], [], [], 0.05)
            if not r:
                continue
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                return
            if not data:
                return
            self.out += data.decode(errors="replace")

    def wait_for(self, text, seconds=10, start=0):
        end = time.time() + seconds
        while time.time() < end:
            if text in self.out[start:]:
                return True
            self.read(0.1)
        return text in self.out[start:]

    def send(self, keys, settle=0.3):
        mark = len(self.out)
        os.write(self.fd, keys.encode())
        self.read(settle)
        return mark

    def exit_status(self, seconds=20):
        end = time.time() + seconds
        while time.time() < end:
            self.read(0.1)
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid == self.pid:
                self.read(0.2)
                self.status = os.waitstatus_to_exitcode(st)
                return self.status
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        return None


def after(s, mark):
    return s.out[mark:]


def session_keys():
    s = Session("a", [])
    check(s.wait_for(PROMPT), "the prompt", s.out)
    m = s.send("link add link p0 name ttyv0 type macvlan mode bridge backend null\r")
    check(s.wait_for("ttyv0: created on p0", start=m), "a vif added", after(s, m))
    # TAB: the verb, the subcommand, a vif's name; then the line runs
    m = s.send("li\t")
    check(after(s, m).endswith("link "), "TAB completes the verb: li -> link", after(s, m))
    m = s.send("sh\t")
    check(after(s, m).endswith("show "), "TAB completes the subcommand: sh -> show",
          after(s, m))
    m = s.send("tt\t")
    check(after(s, m).endswith("yv0 "), "TAB completes a vif's name: tt -> ttyv0", after(s, m))
    m = s.send("\r")
    check(s.wait_for("ttyv0@p0: <BROADCAST", start=m) and "Error" not in after(s, m),
          "the completed line runs: link show ttyv0", after(s, m))
    # TAB with several that fit: listed, the line drawn again
    s.wait_for(PROMPT, start=m)
    m = s.send("link s\t")
    out = after(s, m)
    check("set" in out and "show" in out and "stats" in out and
          out.rstrip("\x1b[0K").endswith(PROMPT + "link s"),
          "TAB with several candidates lists them and redraws the line", out)
    s.send("\x03")
    # ? on an empty line: the verbs
    m = s.send("?")
    out = after(s, m)
    check(all(w in out for w in ("link", "maddr", "show", "quit")) and REDRAW + PROMPT in out,
          "? lists the verbs and redraws the prompt", out)
    # ? after words: what can follow, the typed line kept
    m = s.send("link set ttyv0 ?")
    out = after(s, m)
    check(all(w in out for w in ("up", "down", "mtu", "promisc", "type")) and
          (PROMPT + "link set ttyv0 ") in out.split(REDRAW)[-1],
          "? lists what can follow link set <vif> and keeps the line", out)
    # ^C clears it: the next line runs alone
    m = s.send("\x03")
    check(after(s, m).endswith(PROMPT), "^C gives a new, empty line", after(s, m))
    m = s.send("link show ttyv0\r")
    check(s.wait_for("ttyv0@p0:", start=m) and "Error" not in after(s, m),
          "after ^C the next command runs alone", after(s, m))
    # SIGINT while typing: the line is cleared, the program lives on
    s.wait_for(PROMPT, start=m)
    s.send("xyz")
    os.kill(s.pid, signal.SIGINT)
    s.read(0.8)
    alive = os.waitpid(s.pid, os.WNOHANG)[0] == 0
    check(alive, "SIGINT at the terminal does not end the program")
    m = s.send("link show ttyv0\r")
    check(s.wait_for("ttyv0@p0:", start=m) and "xyz" not in after(s, m) and
          "Error" not in after(s, m), "SIGINT cleared the typed line", after(s, m))
    # ^D on an empty line ends the program cleanly
    s.wait_for(PROMPT, start=m)
    s.send("\x04")
    st = s.exit_status()
    check(st == 0, "^D ends the program with status 0", "status %s" % st)
    check(re.search(r"mempool mv_mbufs: (\d+)/\1 mbufs free", s.out) is not None,
          "all mbufs back at exit", s.out)
    check(re.search(r"AddressSanitizer|LeakSanitizer|runtime error|PANIC", s.out) is None,
          "no sanitizer report or panic", s.out)


def session_stats():
    s = Session("b", ["--stats-period", "1"])
    check(s.wait_for(PROMPT), "the prompt (stats every second)", s.out)
    s.wait_for("mbufs free", 5)  # a first block
    m = s.send("link sh", 2.6)
    out = after(s, m)
    blocks = out.count("p0:\r\n")
    check(blocks >= 2, "stats printed while typing (%d blocks)" % blocks, out)
    # after what was typed, only the line's clearing or a redraw may come
    landed = re.search(re.escape("link sh") + r"(?!\x1b\[0K|\r\x1b\[K|$)", out)
    check(landed is None, "no stats land after the typed text", out)
    last = out.rsplit(REDRAW, 1)[-1]
    check(last.startswith(PROMPT + "link sh"),
          "after each block the prompt and the typed text are drawn again", last)
    check(all(CLEAR + "p0:" in part for part in out.split(REDRAW)[1:-1] if "p0:" in part),
          "each block starts by clearing the line", out)
    m = s.send("ow p0\r")
    check(s.wait_for("p0 (net_null0):", start=m) and "Error" not in after(s, m),
          "the typed line still runs: link show p0", after(s, m))
    os.kill(s.pid, signal.SIGTERM)
    st = s.exit_status()
    check(st == 0, "SIGTERM still ends the program (status 0)", "status %s" % st)


try:
    session_keys()
    session_stats()
finally:
    for d in ("/var/run/dpdk/%sa" % PREFIX, "/var/run/dpdk/%sb" % PREFIX):
        shutil.rmtree(d, ignore_errors=True)
print("shell_tty: %d passed, %d failed, 0 skipped" % (passed, failed))
sys.exit(0 if failed == 0 and passed > 0 else 1)
