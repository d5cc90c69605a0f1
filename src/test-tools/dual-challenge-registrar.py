#!/usr/bin/env python3
# Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
"""A tiny fake registrar that answers like Palisade will: an unauthenticated REGISTER
gets a 401 with TWO WWW-Authenticate headers (algorithm=SHA-256 first, then MD5,
qop="auth"); a REGISTER with credentials is checked (MD5 or SHA-256, password from
--password) and answered 200 or 403. Each Authorization it receives is logged to
stderr (the response hash left out), so a client's choice of challenge can be seen.

Used to find out what SIPp and baresip do with the dual challenge. Not a SIP stack:
one message per UDP datagram / per Content-Length on TCP, no transactions.

usage: dual-challenge-registrar.py [--udp PORT] [--tcp PORT] [--tls PORT --cert PEM --key PEM]
       [--password secret] [--order sha256,md5]
"""
import argparse, hashlib, os, re, socket, ssl, sys, threading

def h(alg, s):
    return (hashlib.sha256 if alg.upper() == "SHA-256" else hashlib.md5)(s.encode()).hexdigest()

def params(value):
    return {k.lower(): (v1 if v1 else v2) for k, v1, v2 in
            re.findall(r'([A-Za-z0-9_-]+)\s*=\s*(?:"([^"]*)"|([^\s,]+))', value)}

class Registrar:
    def __init__(self, password, order, realm="palisade.test"):
        self.password, self.order, self.realm = password, order, realm

    def answer(self, data):
        head = data.split("\r\n\r\n", 1)[0]
        lines = head.split("\r\n")
        if not lines or not lines[0].startswith("REGISTER "):
            return None
        hdrs = []
        for ln in lines[1:]:
            if ":" in ln:
                n, v = ln.split(":", 1)
                hdrs.append((n.strip(), v.strip()))
        def all_of(*names):
            return [v for n, v in hdrs if n.lower() in names]
        copy = [f"{n}: {v}" for n, v in hdrs if n.lower() in ("via", "v", "from", "f", "to", "t", "call-id", "i", "cseq")]
        auth = all_of("authorization")
        if not auth:
            nonce = os.urandom(12).hex()
            chall = [f'WWW-Authenticate: Digest realm="{self.realm}", nonce="{nonce}", '
                     f'algorithm={a}, qop="auth"' for a in self.order]
            log(f"<- REGISTER without credentials; -> 401 with {', '.join(self.order)}")
            return self.reply("401 Unauthorized", copy, chall)
        p = params(auth[0].split(" ", 1)[1] if " " in auth[0] else auth[0])
        alg = p.get("algorithm", "MD5")
        shown = {k: v for k, v in p.items() if k not in ("response",)}
        log(f"<- Authorization {shown}")
        ha1 = h(alg, f'{p.get("username")}:{p.get("realm")}:{self.password}')
        ha2 = h(alg, f'REGISTER:{p.get("uri")}')
        if p.get("qop"):
            want = h(alg, f'{ha1}:{p.get("nonce")}:{p.get("nc")}:{p.get("cnonce")}:{p.get("qop")}:{ha2}')
        else:
            want = h(alg, f'{ha1}:{p.get("nonce")}:{ha2}')
        ok = want == p.get("response")
        log(f"   digest with algorithm={alg}: {'valid -> 200' if ok else 'INVALID -> 403'}")
        contact = all_of("contact", "m")
        extra = [f"Contact: {contact[0]};expires=600"] if ok and contact else []
        return self.reply("200 OK" if ok else "403 Forbidden", copy, extra)

    @staticmethod
    def reply(status, copy, extra):
        return "\r\n".join([f"SIP/2.0 {status}"] + copy + extra + ["Content-Length: 0", "", ""])

def log(msg):
    print(msg, file=sys.stderr, flush=True)

def serve_udp(reg, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port))
    while True:
        data, addr = s.recvfrom(65535)
        out = reg.answer(data.decode(errors="replace"))
        if out:
            s.sendto(out.encode(), addr)

def stream_conn(reg, conn):
    buf = b""
    try:
        while True:
            chunk = conn.recv(65535)
            if not chunk:
                return
            buf += chunk
            while b"\r\n\r\n" in buf:
                head, rest = buf.split(b"\r\n\r\n", 1)
                m = re.search(rb"(?im)^(?:content-length|l)\s*:\s*(\d+)", head)
                n = int(m.group(1)) if m else 0
                if len(rest) < n:
                    break
                msg, buf = head + b"\r\n\r\n" + rest[:n], rest[n:]
                if not msg.strip():
                    continue
                out = reg.answer(msg.decode(errors="replace"))
                if out:
                    conn.sendall(out.encode())
    except (OSError, ssl.SSLError):
        pass
    finally:
        conn.close()

def serve_stream(reg, port, ctx=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(64)
    while True:
        conn, _ = s.accept()
        if ctx:
            try:
                conn = ctx.wrap_socket(conn, server_side=True)
            except (OSError, ssl.SSLError) as e:
                log(f"TLS handshake failed: {e}")
                continue
        threading.Thread(target=stream_conn, args=(reg, conn), daemon=True).start()

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--udp", type=int); ap.add_argument("--tcp", type=int); ap.add_argument("--tls", type=int)
    ap.add_argument("--cert"); ap.add_argument("--key")
    ap.add_argument("--password", default="secret")
    ap.add_argument("--order", default="sha256,md5", help="challenge order, e.g. sha256,md5 or md5")
    a = ap.parse_args()
    order = [{"sha256": "SHA-256", "md5": "MD5"}[x.strip().lower()] for x in a.order.split(",")]
    reg = Registrar(a.password, order)
    threads = []
    if a.udp:
        threads.append(threading.Thread(target=serve_udp, args=(reg, a.udp), daemon=True))
    if a.tcp:
        threads.append(threading.Thread(target=serve_stream, args=(reg, a.tcp), daemon=True))
    if a.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.cert, a.key)
        threads.append(threading.Thread(target=serve_stream, args=(reg, a.tls, ctx), daemon=True))
    if not threads:
        ap.error("give at least one of --udp, --tcp, --tls")
    for t in threads:
        t.start()
    log(f"dual-challenge registrar ready (udp={a.udp} tcp={a.tcp} tls={a.tls}, order={order})")
    threads[0].join()

if __name__ == "__main__":
    main()
