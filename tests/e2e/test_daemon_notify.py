#!/usr/bin/env python3
"""sd_notify through a private NOTIFY_SOCKET datagram socket: READY=1 from the main PID,
STATUS= lines, WATCHDOG=1 at half of WATCHDOG_USEC, STOPPING=1 after SIGTERM, exit 0."""
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_daemon_basic import (Daemon, Failures, drop, parse_args, receipt,  # noqa: E402
                               syslog_lines, wait_until)


def main():
    a = parse_args()
    t = Failures("test_daemon_notify")
    root = os.path.join(a.tmp, "root")
    inbox = os.path.join(root, "inbox")
    sock_path = os.path.join(a.tmp, "notify.sock")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(sock_path)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    s.settimeout(0.1)
    env = dict(os.environ, NOTIFY_SOCKET=sock_path, WATCHDOG_USEC="1000000")
    env.pop("WATCHDOG_PID", None)
    d = Daemon(a.bin, root, instance="notify", env=env)
    d.start(wait_ready=False)
    msgs = []  # (monotonic time, pid, text)

    def pump(seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                data, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12))
            except socket.timeout:
                continue
            pid = None
            for level, typ, cdata in anc:
                if level == socket.SOL_SOCKET and typ == socket.SCM_CREDENTIALS:
                    pid = struct.unpack("iII", cdata[:12])[0]
            for line in data.decode().split("\n"):
                if line:
                    msgs.append((time.monotonic(), pid, line))

    pump(3)
    ready = [m for m in msgs if m[2] == "READY=1"]
    t.check(ready, "READY=1 received (got %s)" % [m[2] for m in msgs][:10])
    t.check(all(m[1] == d.proc.pid for m in ready), "READY=1 sent by the main PID")
    drop(inbox, "INC-N/h/a.log", syslog_lines("n", 10).encode())
    pump(4)
    t.check(receipt(inbox, "INC-N/h/a.log"), "upload ingested")
    statuses = [m[2] for m in msgs if m[2].startswith("STATUS=")]
    print("statuses:", statuses[:6])
    t.check(statuses, "STATUS= sent")
    t.check(any("last INC-N/h/a.log ingested" in x for x in statuses),
            "STATUS= names the last upload")
    t.check(any("queue" in x for x in statuses), "STATUS= gives the queue depth")
    wd = [m[0] for m in msgs if m[2] == "WATCHDOG=1"]
    gaps = [b - a_ for a_, b in zip(wd, wd[1:])]
    t.check(len(wd) >= 8, "WATCHDOG=1 keeps coming (%d in ~7 s)" % len(wd))
    t.check(gaps and max(gaps) <= 1.0, "watchdog gaps within WATCHDOG_USEC (max %.2fs)"
            % (max(gaps) if gaps else -1))
    d.signal(15)
    pump(2)
    rc, _ = d.stop(timeout=10)
    t.check(any(m[2] == "STOPPING=1" for m in msgs), "STOPPING=1 after SIGTERM")
    t.check(rc == 0, "exit 0 (got %s)" % rc)
    s.close()
    if t.errors:
        print(d.log()[-2000:])
    t.finish()


if __name__ == "__main__":
    main()
