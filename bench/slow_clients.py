#!/usr/bin/env python3
"""Benchmark (not a test): request latency of `policysite serve` with and without 1,000 clients
trickling request heads a byte at a time. Loopback only, bounded (1,000 connections, 50 requests).
usage: bench/slow_clients.py SITE_DIR  (uses target/debug/policysite; POLICYSITE_BIN to override)"""
import socket, subprocess, time, statistics, sys, os
site=sys.argv[1]
p=subprocess.Popen([os.environ.get("POLICYSITE_BIN", "target/debug/policysite"),"--root",site,"serve","--port","0","--output",os.path.join(os.environ.get("TMPDIR","/tmp"),"policysite-slow-clients-out")],stdout=subprocess.PIPE,stderr=subprocess.DEVNULL,text=True)
url=p.stdout.readline().strip(); host,port=url[7:].rstrip('/').split(':'); port=int(port)
def get():
    t=time.perf_counter(); s=socket.create_connection((host,port)); s.sendall(b"GET /regulation/6973-1r/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    d=b""
    while True:
        c=s.recv(65536)
        if not c: break
        d+=c
    s.close(); return (time.perf_counter()-t)*1000, d[:12]
base=[get()[0] for _ in range(20)]
slow=[]
for i in range(1000):
    s=socket.create_connection((host,port)); s.sendall(b"G"); slow.append(s)
lat=[]
for r in range(10):
    for s in slow:
        try: s.sendall(b"E")
        except OSError: pass
    for _ in range(5): lat.append(get()[0])
    time.sleep(0.2)
assert all(r == b"HTTP/1.1 200" for _, r in [get()]), "serve did not answer 200"
print(f"no slow clients: median {statistics.median(base):.1f} ms, max {max(base):.1f} ms")
print(f"1000 trickling clients: median {statistics.median(lat):.1f} ms, max {max(lat):.1f} ms over {len(lat)} requests")
p.kill()
