#!/usr/bin/env python3
"""Real servers on 127.0.0.1 for the network tests and the benchmark.

    netlab.py certs DIR                 write a test CA and server certificates into DIR
    netlab.py serve SPEC.json [--certs DIR] [--remove-on-exit DIR]
                                        start every server in SPEC; print {"name": port, ...} on one line

SPEC is a JSON list of servers, each {"name", "kind", ...}, optionally with a fixed "host" and "port"
(default 127.0.0.1 and a free port); "@CERTS@" in a value is replaced by the folder given with --certs:
  https     TLS (1.2+) then a minimal HTTP/1.1 answer: 401 with a Service Bus-style body, like the relay
            answers a request without a token. Keys: cert, key, status (default 401).
  tls-old   TLS 1.0/1.1 only (what a 2010 middlebox speaks). Keys: cert, key (an RSA pair: "legacy").
  no-http   completes the TLS handshake, then never answers. Keys: cert, key.
  http      plain HTTP answering 200, like a CRL endpoint on port 80.
  relay     a TCP relay to "target" (host:port, or a server's name) that delays every chunk by "delayMs"
            in each direction.
  tinyproxy Debian's tinyproxy as a forward proxy. "mode": open (allows CONNECT), auth (Basic
            authentication: answers 407), deny ("deny" is a host regex it refuses with 403).
Everything runs in one asyncio loop until stdin closes (the test process exited) or the process is killed;
tinyproxy children are stopped with it, and the folders made for them (and --remove-on-exit's) removed.
"""
import asyncio
import datetime
import ipaddress
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import warnings

CHILDREN = []
REMOVE_ON_EXIT = []
# Bumped whenever write_certs changes, so cached certificate folders are made anew (scripts/netlab/with-netlab.sh).
CERTS_VERSION = "2"


def write_certs(folder):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import NameOID, ExtendedKeyUsageOID

    os.makedirs(folder, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc)
    day = datetime.timedelta(days=1)

    def name(cn, org):
        return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, org), x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    def save(stem, key, cert):
        with open(os.path.join(folder, stem + ".key"), "wb") as f:
            f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        with open(os.path.join(folder, stem + ".pem"), "wb") as f:
            f.write(cert.public_bytes(serialization.Encoding.PEM))

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = name("Preflight Test Root CA", "Preflight Test Lab")
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - day).not_valid_after(now + 3650 * day)
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    save("ca", ca_key, ca)

    def leaf(stem, names, not_before, not_after, self_signed=False, rsa_key=False):
        # TLS 1.0/1.1 servers sign with RSA: OpenSSL 3 cannot pair an ECDSA certificate with those versions.
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048) if rsa_key else ec.generate_private_key(ec.SECP256R1())
        sans = [x509.IPAddress(ipaddress.ip_address(n)) if n[0].isdigit() else x509.DNSName(n) for n in names]
        subject = name(names[0], "Preflight Test Lab")
        builder = (x509.CertificateBuilder().subject_name(subject)
                   .issuer_name(subject if self_signed else ca_name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(not_before).not_valid_after(not_after)
                   .add_extension(x509.SubjectAlternativeName(sans), critical=False)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False))
        save(stem, key, builder.sign(key if self_signed else ca_key, hashes.SHA256()))

    local = ["localhost", "127.0.0.1"]
    leaf("valid", local + ["passwordreset.microsoftonline.com", "*.servicebus.windows.net"], now - day, now + 365 * day)
    leaf("expired", local, now - 400 * day, now - 30 * day)
    leaf("notyet", local, now + 30 * day, now + 400 * day)
    leaf("selfsigned", local, now - day, now + 365 * day, self_signed=True)
    leaf("wrongname", ["server.elsewhere.test"], now - day, now + 365 * day)
    leaf("legacy", local, now - day, now + 365 * day, rsa_key=True)
    with open(os.path.join(folder, "VERSION"), "w") as f:
        f.write(CERTS_VERSION + "\n")


def tls_context(spec, old=False):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if old:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = ssl.TLSVersion.TLSv1
            context.maximum_version = ssl.TLSVersion.TLSv1_1
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
    else:
        context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(spec["cert"], spec["key"])
    return context


BODY = (b'<Error><Code>401</Code><Detail>MissingToken: The request contains no authorization header.'
        b'</Detail></Error>')


async def answer_http(reader, writer, status):
    try:
        await reader.readuntil(b"\r\n\r\n")
        reason = {200: "OK", 401: "Unauthorized", 404: "Not Found"}.get(status, "Status")
        body = BODY if status == 401 else b"ok"
        writer.write(b"HTTP/1.1 %d %s\r\nContent-Type: application/xml\r\nContent-Length: %d\r\n\r\n%s"
                     % (status, reason.encode(), len(body), body))
        await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
        pass
    finally:
        writer.close()


async def never_answer(reader, writer):
    try:
        while await reader.read(4096):
            pass
    except (ConnectionError, ssl.SSLError):
        pass
    writer.close()


async def relay(spec, client_reader, client_writer):
    host, port = spec["target"].rsplit(":", 1)
    delay = spec.get("delayMs", 0) / 1000
    try:
        server_reader, server_writer = await asyncio.open_connection(host, int(port))
    except OSError:
        client_writer.close()
        return

    async def pump(source, sink):
        queue = asyncio.Queue()

        async def deliver():
            while True:
                due, chunk = await queue.get()
                await asyncio.sleep(max(0, due - loop.time()))
                if chunk is None:
                    break
                sink.write(chunk)
                await sink.drain()
            sink.close()

        loop = asyncio.get_running_loop()
        sender = asyncio.create_task(deliver())
        try:
            while chunk := await source.read(65536):
                queue.put_nowait((loop.time() + delay, chunk))
        except ConnectionError:
            pass
        queue.put_nowait((loop.time() + delay, None))
        await sender

    await asyncio.gather(pump(client_reader, server_writer), pump(server_reader, client_writer), return_exceptions=True)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_tinyproxy(spec):
    binary = shutil.which("tinyproxy") or "/usr/bin/tinyproxy"
    if not os.path.exists(binary):
        raise SystemExit("tinyproxy is not installed: run 'make test' (scripts/setup.sh installs it).")
    folder = tempfile.mkdtemp(prefix="netlab-tinyproxy-")
    REMOVE_ON_EXIT.append(folder)
    port = free_port()
    lines = [f"Port {port}", "Listen 127.0.0.1", "Timeout 60", "LogLevel Info", f'LogFile "{folder}/log"',
             f'PidFile "{folder}/pid"', "MaxClients 200", "Allow 127.0.0.1", "DisableViaHeader Yes"]
    if spec.get("mode") == "auth":
        lines.append("BasicAuth preflight not-the-real-password")
    if spec.get("mode") == "deny":
        with open(f"{folder}/filter", "w") as f:
            f.write(spec["deny"] + "\n")
        lines += [f'Filter "{folder}/filter"', "FilterURLs Off", "FilterDefaultDeny No"]
    with open(f"{folder}/tinyproxy.conf", "w") as f:
        f.write("\n".join(lines) + "\n")
    child = subprocess.Popen([binary, "-d", "-c", f"{folder}/tinyproxy.conf"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    CHILDREN.append(child)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return port
        except OSError:
            if child.poll() is not None:
                REMOVE_ON_EXIT.remove(folder)  # keep the log the message points to
                raise SystemExit(f"tinyproxy exited at start; see {folder}/log")
            time.sleep(0.02)
    raise SystemExit("tinyproxy did not listen within 4 s")


async def start(spec):
    kind = spec["kind"]
    if kind == "tinyproxy":
        return start_tinyproxy(spec)
    if kind == "https":
        handler, context = (lambda r, w: answer_http(r, w, spec.get("status", 401))), tls_context(spec)
    elif kind == "tls-old":
        handler, context = (lambda r, w: answer_http(r, w, 200)), tls_context(spec, old=True)
    elif kind == "no-http":
        handler, context = never_answer, tls_context(spec)
    elif kind == "http":
        handler, context = (lambda r, w: answer_http(r, w, spec.get("status", 200))), None
    elif kind == "relay":
        handler, context = (lambda r, w: relay(spec, r, w)), None
    else:
        raise SystemExit(f"unknown server kind {kind!r}")
    server = await asyncio.start_server(handler, spec.get("host", "127.0.0.1"), spec.get("port", 0), ssl=context, backlog=256)
    return server.sockets[0].getsockname()[1]


async def serve(specs):
    ports = {}
    # Relays name their target by server name; start the others first.
    for spec in sorted(specs, key=lambda s: s["kind"] == "relay"):
        if spec["kind"] == "relay" and spec["target"] in ports:
            spec["target"] = f"127.0.0.1:{ports[spec['target']]}"
        ports[spec["name"]] = await start(spec)
    print(json.dumps(ports), flush=True)
    # Run until stdin closes: the test process that started us has exited.
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.buffer.read)
    # Exit at once: open relay connections have nothing left to finish.
    clean_up()
    os._exit(0)


def clean_up():
    """Stops the tinyproxies and removes the folders this run made (a test run left ~100 of them otherwise)."""
    for child in CHILDREN:
        child.terminate()
    for child in CHILDREN:
        try:
            child.wait(timeout=2)
        except subprocess.TimeoutExpired:
            child.kill()
    for folder in REMOVE_ON_EXIT:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "certs":
        write_certs(sys.argv[2])
    elif len(sys.argv) in (3, 5, 7) and sys.argv[1] == "serve":
        options = dict(zip(sys.argv[3::2], sys.argv[4::2]))
        if not set(options) <= {"--certs", "--remove-on-exit"} or len(options) * 2 != len(sys.argv) - 3:
            raise SystemExit(__doc__)
        with open(sys.argv[2]) as f:
            text = f.read()
        if "--certs" in options:
            text = text.replace("@CERTS@", os.path.abspath(options["--certs"]))
        if "--remove-on-exit" in options:
            REMOVE_ON_EXIT.append(options["--remove-on-exit"])
        try:
            asyncio.run(serve(json.loads(text)))
        finally:
            clean_up()
    else:
        raise SystemExit(__doc__)
