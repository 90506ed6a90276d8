"""Small loopback servers for the connection-security tests: one that records every request it
receives (a redirect target, a proxy that must stay unused), an HTTPS proxy that records the host each
tunnel is asked for and leads it to a local server, and a self-signed TLS certificate."""
import datetime
import ipaddress
import select
import socket
import socketserver
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Recorder:
    """An HTTP server on 127.0.0.1 that records each request (request line and headers) and answers
    with ``status``, ``headers`` and a small JSON body."""

    def __init__(self, status=200, headers=None, body=b'{}'):
        self.requests = []
        self.received = threading.Event()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, format, *args):  # noqa: A002
                pass

            def handle_one_request(self):
                self.raw_requestline = self.rfile.readline(65537)
                if not self.raw_requestline:
                    self.close_connection = True
                    return
                if not self.parse_request():
                    return
                length = int(self.headers.get('Content-Length') or 0)
                if length:
                    self.rfile.read(length)
                recorder.requests.append((self.requestline, dict(self.headers.items())))
                recorder.received.set()
                self.send_response(status)
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()

        self.httpd = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True)

    @property
    def port(self):
        return self.httpd.server_address[1]

    @property
    def url(self):
        return 'http://127.0.0.1:%d' % self.port

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class LoopbackServer:
    """A threading server on 127.0.0.1 and a free port, served from ``with`` on and stopped at its end."""

    def serve(self, handler, server_class=socketserver.ThreadingTCPServer):
        self.server = server_class(('127.0.0.1', 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True)

    @property
    def url(self):
        return 'http://127.0.0.1:%d' % self.server.server_address[1]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class TunnelProxy(LoopbackServer):
    """An HTTPS proxy on 127.0.0.1 that records the ``host:port`` of each ``CONNECT`` it is asked for
    (``targets``) and leads every tunnel to ``forward_to`` (a local ``(host, port)``) whatever host was
    asked: the client's TLS then meets the local server, which must hold a certificate for that host."""

    def __init__(self, forward_to):
        self.targets = []
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                head = b''
                while b'\r\n\r\n' not in head and len(head) < 65536:
                    chunk = self.request.recv(4096)
                    if not chunk:
                        return
                    head += chunk
                method, target = head.split(b' ', 2)[:2]
                proxy.targets.append('%s %s' % (method.decode('latin-1'), target.decode('latin-1')))
                if method != b'CONNECT':
                    self.request.sendall(b'HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n')
                    return
                with socket.create_connection(forward_to, timeout=30) as upstream:
                    self.request.sendall(b'HTTP/1.1 200 Connection established\r\n\r\n')
                    _pipe(self.request, upstream)

        self.serve(Handler)


def _pipe(one, other):
    """Copy bytes both ways between two sockets until either side closes."""
    while True:
        ready = select.select([one, other], [], [], 30)[0]
        if not ready:
            return
        for sock in ready:
            data = sock.recv(65536)
            if not data:
                return
            (other if sock is one else one).sendall(data)


def self_signed_certificate(folder, names=()):
    """Write a self-signed certificate for 127.0.0.1 (and the DNS ``names``) and its key to ``folder``; return
    both paths."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, u'127.0.0.1')])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address('127.0.0.1'))] +
                                                       [x509.DNSName(name) for name in names]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / 'cert.pem', folder / 'key.pem'
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def serve_tls(httpd, folder, names=()):
    """Make the (not yet started) server ``httpd`` speak TLS with a self-signed certificate (for 127.0.0.1 and
    the DNS ``names``); return the certificate's path."""
    cert_path, key_path = self_signed_certificate(folder, names)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert_path), str(key_path))
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    return cert_path


def proxy_everything(monkeypatch, proxy_url):
    """Point every proxy variable of the environment at ``proxy_url``, with no exceptions (no NO_PROXY)."""
    for name in ('NO_PROXY', 'no_proxy'):
        monkeypatch.delenv(name, raising=False)
    for name in ('HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'ALL_PROXY'):
        monkeypatch.setenv(name, proxy_url)


class Drip(LoopbackServer):
    """An HTTP server on 127.0.0.1 that answers every request with a large JSON answer sent ``chunk`` bytes
    every ``interval`` seconds, each read of the client's finding a byte or more waiting: from the status
    line on, or (``headers_first``) after its headers arrive whole. ``requests`` counts the requests."""

    def __init__(self, interval=0.1, headers_first=False, size=100000, chunk=1):
        self.requests = 0
        self.stopped = threading.Event()
        drip = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                head = b''
                while b'\r\n\r\n' not in head:
                    data = self.request.recv(65536)
                    if not data:
                        return
                    head += data
                drip.requests += 1
                body = b'[' + b' ' * size + b']'
                answer = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n' % len(body)
                if headers_first:
                    self.request.sendall(answer)
                    answer = b''
                answer += body
                for start in range(0, len(answer), chunk):
                    if drip.stopped.wait(interval):
                        return
                    try:
                        self.request.sendall(answer[start:start + chunk])
                    except OSError:
                        return

        self.serve(Handler)

    def __exit__(self, *exc):
        self.stopped.set()
        super().__exit__(*exc)
