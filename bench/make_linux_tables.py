#!/usr/bin/env python3
"""Writes the two big Linux command outputs of the benchmark's Linux rows, deterministically:
`ps_auxwwwf.txt` (ps auxwwwf of a busy host: tree art, kernel threads, commands with spaces)
and `netstat_-anp.txt` (netstat -anp of a busy web server: TCP/UDP v4/v6 with program names
that contain spaces, and the unix-socket table).  Both are in the exact column layout the
real tools print, so jc and evidenced parse the same bytes.

    bench/make_linux_tables.py --out DIR [--processes N] [--sockets N]
"""
import argparse
import random
from pathlib import Path

USERS = ["root", "www-data", "postgres", "deploy", "systemd+", "messageb+", "nobody", "syslog"]
PROGRAMS = [("nginx: worker process", "nginx"), ("php-fpm: pool www", "php-fpm8.2"),
            ("/usr/sbin/sshd -D", "sshd"), ("postgres: 15/main: checkpointer", "postgres"),
            ("/usr/bin/python3 /opt/app/worker.py --queue default", "python3"),
            ("/usr/lib/jvm/java-17/bin/java -Xmx2g -jar /opt/svc/app.jar", "java"),
            ("/tmp/.X11-unix/.x kworker", ".x")]


def ps(rng: random.Random, n: int) -> str:
    out = ["USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND"]
    pid = 2
    for k in range(40):  # kernel threads
        out.append(f"{'root':<8} {pid:>7}  0.0  0.0      0     0 ?        I<   Oct28   0:00 "
                   f"[kworker/{k}:0H-events_highpri]")
        pid += 1
    depth_stack = []
    while len(out) < n:
        if not depth_stack or rng.random() < 0.3:
            depth_stack = [0]
        depth = depth_stack[-1]
        cmd, _ = rng.choice(PROGRAMS)
        art = "" if depth == 0 else " " + "|   " * (depth - 1) + "\\_ "
        user = rng.choice(USERS)
        out.append(f"{user:<8} {pid:>7} {rng.random() * 9:4.1f} {rng.random() * 4:4.1f} "
                   f"{rng.randint(2000, 900000):>6} {rng.randint(900, 90000):>5} "
                   f"{'pts/0' if rng.random() < 0.05 else '?':<8} {rng.choice(['S', 'Ss', 'Sl', 'R+', 'S<']):<4} "
                   f"{rng.choice(['Oct28', '09:14', '10:02', '2025'])}   {rng.randint(0, 99)}:{rng.randint(0, 59):02d} "
                   f"{art}{cmd} --id {rng.getrandbits(32):x}")
        pid += rng.randint(1, 40)
        if rng.random() < 0.5 and depth < 6:
            depth_stack.append(depth + 1)
        elif len(depth_stack) > 1 and rng.random() < 0.4:
            depth_stack.pop()
    return "\n".join(out) + "\n"


def netstat(rng: random.Random, n: int) -> str:
    out = ["Active Internet connections (servers and established)",
           "Proto Recv-Q Send-Q Local Address           Foreign Address         State       "
           "PID/Program name    "]
    inet = int(n * 0.8)
    for _ in range(inet):
        v6 = rng.random() < 0.2
        proto = rng.choice(["tcp", "tcp", "tcp", "udp"]) + ("6" if v6 else "")
        if v6:
            local = f"2001:db8::{rng.randint(1, 0xffff):x}:{rng.choice([443, 80, 22])}"
            remote = f"2001:db8:1::{rng.randint(1, 0xffff):x}:{rng.randint(1024, 65535)}"
        else:
            local = f"10.0.{rng.randint(0, 3)}.{rng.randint(1, 254)}:{rng.choice([443, 80, 22, 5432])}"
            remote = f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}:{rng.randint(1024, 65535)}"
        state = "" if proto.startswith("udp") else rng.choice(
            ["ESTABLISHED", "ESTABLISHED", "TIME_WAIT", "CLOSE_WAIT", "SYN_RECV"])
        # UDP owners without spaces: jc 1.25.5 gives up on the whole file when a stateless
        # UDP line has a program name with a space (e.g. `avahi-daemon: r`); evidenced does
        # not, but the row must compare the same successful parse.
        names = (['chronyd', 'systemd-resolve', 'dhclient', 'dnsmasq'] if proto.startswith("udp")
                 else ['nginx: worker pr', 'nginx: master pr', 'sshd: root@pts', 'postgres',
                       'python3', 'java'])
        prog = "-" if state == "TIME_WAIT" else f"{rng.randint(300, 99999)}/{rng.choice(names)}"
        out.append(f"{proto:<5} {rng.randint(0, 9):>6} {rng.randint(0, 9):>6} {local:<23} "
                   f"{remote:<23} {state:<11} {prog}")
    out.append("Active UNIX domain sockets (servers and established)")
    out.append("Proto RefCnt Flags       Type       State         I-Node   PID/Program name    "
               "Path")
    for _ in range(n - inet):
        st = rng.choice(["LISTENING", "CONNECTED", ""])
        path = rng.choice(["/run/systemd/journal/stdout", "/var/run/docker.sock",
                           "@/tmp/.X11-unix/X0", "/run/php/php8.2-fpm.sock", ""])
        out.append(f"unix  {rng.randint(2, 3)}      [ {rng.choice(['ACC ', ''])}]     "
                   f"{rng.choice(['STREAM', 'DGRAM', 'SEQPACKET']):<10} {st:<13} "
                   f"{rng.randint(10000, 9999999):<8} {rng.randint(1, 99999)}/{rng.choice(['systemd', 'dockerd', 'php-fpm: master', 'Xorg'])}"
                   f"{'     ' + path if path else ''}")
    return "\n".join(out) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--processes", type=int, default=6000)
    ap.add_argument("--sockets", type=int, default=20000)
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(4242)
    (out / "ps_auxwwwf.txt").write_text(ps(rng, a.processes))
    (out / "netstat_-anp.txt").write_text(netstat(rng, a.sockets))
    for p in sorted(out.iterdir()):
        print(f"{p} {p.stat().st_size}")


if __name__ == "__main__":
    main()
