#!/usr/bin/env python3
"""A loopback RFC 3161 time-stamp authority for tests, built on `openssl ts -reply`.

Usage: tsa-loopback.py --cert TSA_CERT.pem --key TSA_KEY.pem [--chain CHAIN.pem] [--port 0]
Prints the URL (http://127.0.0.1:PORT/) on the first line of stdout, then serves POSTed
TimeStampReq bodies until killed. Listens on 127.0.0.1 only. Standard library + openssl CLI.
"""
import argparse, http.server, os, signal, subprocess, sys, tempfile, threading

CONFIG = """
[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
dir = {dir}
serial = {dir}/serial
crypto_device = builtin
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def main():
    # A parent may start us with SIGTERM blocked or ignored: restore the default so `kill` works.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    ap = argparse.ArgumentParser()
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--chain")
    ap.add_argument("--port", type=int, default=0)
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="assay-tsa-")
    with open(os.path.join(work, "serial"), "w") as f:
        f.write("01\n")
    cfg = os.path.join(work, "tsa.cnf")
    with open(cfg, "w") as f:
        f.write(CONFIG.format(dir=work))
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            if n <= 0 or n > 65536:
                self.send_error(400)
                return
            body = self.rfile.read(n)
            with lock:
                q = os.path.join(work, "req.tsq")
                r = os.path.join(work, "resp.tsr")
                with open(q, "wb") as f:
                    f.write(body)
                cmd = ["openssl", "ts", "-reply", "-config", cfg, "-queryfile", q, "-signer", a.cert,
                       "-inkey", a.key, "-out", r]
                if a.chain:
                    cmd += ["-chain", a.chain]
                p = subprocess.run(cmd, capture_output=True)
                if p.returncode != 0:
                    sys.stderr.write(p.stderr.decode(errors="replace"))
                    self.send_error(500)
                    return
                data = open(r, "rb").read()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    print("http://127.0.0.1:%d/" % srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
