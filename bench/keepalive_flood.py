#!/usr/bin/env python3
"""Keep-alive flood against `policysite serve` (not a test; loopback only): N kept-alive clients each
asking every PERIOD seconds for DURATION seconds (reconnecting when the server closes an idle one),
and 10 new clients probing meanwhile. Reports flood requests answered, reconnects, probes answered.

usage: bench/keepalive_flood.py BIN SITE CAP N PERIOD DURATION   (CAP 0: the default --max-connections)
"""
import socket, subprocess, sys, time, threading, os
binary, site, cap, n, period, dur = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
args = [binary, "--root", site, "serve", "--port", "0"] + (["--max-connections", str(cap)] if cap else [])
p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
addr = p.stdout.readline().decode().strip().replace("http://", "").rstrip("/")
host, port = addr.split(":"); port = int(port)
def get(s):
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        c = s.recv(65536)
        if not c: raise OSError("closed")
        data += c
    head, body = data.split(b"\r\n\r\n", 1)
    ln = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0].split(b":")[1])
    while len(body) < ln:
        c = s.recv(65536)
        if not c: raise OSError("closed")
        body += c
stats = {"ok": 0, "reconnect": 0, "fail": 0}
lock = threading.Lock()
stop = time.time() + dur
def flooder():
    s = None
    while time.time() < stop:
        try:
            if s is None:
                s = socket.create_connection((host, port), timeout=10)
            get(s)
            with lock: stats["ok"] += 1
        except OSError:
            with lock: stats["reconnect"] += 1
            try: s.close()
            except Exception: pass
            s = None
            continue
        time.sleep(period)
threads = [threading.Thread(target=flooder) for _ in range(n)]
for t in threads: t.start()
time.sleep(2)
answered = 0; lat = []
for i in range(10):
    t0 = time.time()
    try:
        s = socket.create_connection((host, port), timeout=10)
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        d = b""
        while True:
            c = s.recv(65536)
            if not c: break
            d += c
        if d.startswith(b"HTTP/1.1 200"): answered += 1; lat.append(time.time() - t0)
    except OSError:
        pass
    time.sleep(max(0.0, (dur - 3) / 10))
for t in threads: t.join()
p.kill()
print(f"cap {cap or 4096}, {n} kept-alive flooders each asking every {period} s for {dur} s: flood requests answered {stats['ok']}, reconnects {stats['reconnect']}; probes answered {answered}/10, slowest {max(lat) if lat else 0:.3f} s")
