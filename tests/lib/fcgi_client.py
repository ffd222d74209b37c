"""A minimal FastCGI client (responder role), for tests that must hold a
request half-sent at the FastCGI socket itself."""
import socket
import struct

BEGIN, END, PARAMS, STDIN, STDOUT, STDERR = 1, 3, 4, 5, 6, 7


def record(rtype, content, req_id=1):
    pad = (8 - len(content) % 8) % 8
    return struct.pack("!BBHHBx", 1, rtype, req_id, len(content), pad) \
        + content + b"\0" * pad


def nv(name, value):
    def ln(n):
        return struct.pack("!B", n) if n < 128 else \
            struct.pack("!I", n | 0x80000000)
    name, value = name.encode(), value.encode()
    return ln(len(name)) + ln(len(value)) + name + value


class Client:
    def __init__(self, sock_path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(60)
        self.s.connect(sock_path)

    def begin(self, params):
        self.s.sendall(record(BEGIN, struct.pack("!HB5x", 1, 0)))
        body = b"".join(nv(k, v) for k, v in params.items())
        self.s.sendall(record(PARAMS, body) + record(PARAMS, b""))

    def send_stdin(self, data, end=False):
        if data:
            self.s.sendall(record(STDIN, data))
        if end:
            self.s.sendall(record(STDIN, b""))

    def response(self):
        out = b""
        buf = b""
        while True:
            while len(buf) < 8:
                chunk = self.s.recv(65536)
                if not chunk:
                    return out
                buf += chunk
            _, rtype, _, clen, plen = struct.unpack("!BBHHBx", buf[:8])
            while len(buf) < 8 + clen + plen:
                chunk = self.s.recv(65536)
                if not chunk:
                    return out
                buf += chunk
            content = buf[8:8 + clen]
            buf = buf[8 + clen + plen:]
            if rtype == STDOUT:
                out += content
            elif rtype == END:
                return out

    def close(self):
        self.s.close()
