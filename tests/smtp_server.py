"""A real SMTP server on loopback for the tests (aiosmtpd in a thread of the test process): plain, STARTTLS,
implicit TLS, AUTH, and the faults a mail server shows — an address refused for good, a busy mailbox, a
connection dropped in the middle of a message, the server down.

Processes the tests start (the installed `phoihop`, a served portal) reach it by its port.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from io import BytesIO
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from openpyxl import load_workbook

from agencies.form_layout import META_SHEET
from schema.settings import Settings

REFUSED_DOMAIN = "khong-ton-tai.test"
BUSY_DOMAIN = "tam-thoi.test"  # the server answers 451: try later
DROPPED_SUBJECT = "rớt kết nối"  # the server drops the connection in the middle of the data
USER, PASSWORD = "phoihop", "mật-khẩu-thử"


@dataclass
class Inbox:
    """What the server received: one envelope per accepted message; and the faults it is told to show."""

    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # addresses answered 550 at RCPT
    asked: list[str] = field(default_factory=list)  # every RCPT address, refused or not, in order
    drop_next: int = 0  # drop the connection at the DATA of this many next messages
    dropped: int = 0
    hold: bool = False  # keep each message's DATA unanswered until `release` is set (then deliver it)
    holding: threading.Event = field(default_factory=threading.Event)  # set when a message is being held
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's name)
        self.asked.append(address)
        if address.endswith("@" + REFUSED_DOMAIN) or address in self.refuse:
            return "550 5.1.1 No such user here"
        if address.endswith("@" + BUSY_DOMAIN):
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            drop = message["Subject"] == DROPPED_SUBJECT or self.drop_next > 0
            if drop and self.drop_next > 0:
                self.drop_next -= 1
            self.dropped += drop
        if drop:
            server.transport.close()
            return "421 gone"
        if self.hold:  # the message is in; the sender hears nothing until released — as a slow server
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for recipients, message in self.messages if address in recipients]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made now: (cert.pem, key.pem)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return context


def check_login(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)


@dataclass
class SmtpServer:
    """One server on a fixed port, which a test may stop (the server down) and start again (back)."""

    certificate: tuple[Path, Path]
    security: str = "none"
    auth: bool = False
    inbox: Inbox = field(default_factory=Inbox)
    port: int = field(default_factory=free_port)
    controller: Controller | None = None

    def start(self) -> SmtpServer:
        options: dict = {}
        if self.security == "starttls":
            options.update(tls_context=server_context(self.certificate), require_starttls=True)
        if self.security == "tls":
            options.update(ssl_context=server_context(self.certificate))
        if self.auth:
            options.update(authenticator=check_login, auth_required=True, auth_require_tls=self.security != "none")
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **options)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def environment(self) -> dict[str, str]:
        """The settings that send through this server, for a process the test starts."""
        env = {
            "PHOIHOP_SMTP_HOST": "127.0.0.1",
            "PHOIHOP_SMTP_PORT": str(self.port),
            "PHOIHOP_SMTP_SECURITY": self.security,
            "PHOIHOP_MAIL_RATE_PER_MINUTE": "6000",
            "PHOIHOP_MAIL_FROM": "Sở KH&CN Hưng Yên <phoihop@so.test>",
        }
        if self.security != "none":
            env["PHOIHOP_SMTP_CA_FILE"] = str(self.certificate[0])
        if self.auth:
            env.update(PHOIHOP_SMTP_USER=USER, PHOIHOP_SMTP_PASSWORD=PASSWORD)
        return env


@pytest.fixture
def smtp_server(certificate: tuple[Path, Path]) -> Iterator:
    """smtp_server(security="none"|"starttls"|"tls", auth=False, started=True) -> SmtpServer, stopped after."""
    servers: list[SmtpServer] = []

    def make(security: str = "none", auth: bool = False, started: bool = True) -> SmtpServer:
        server = SmtpServer(certificate, security, auth)
        servers.append(server.start() if started else server)
        return server

    yield make
    for server in servers:
        server.stop()


def settings_for(tmp_path: Path, port: int | None, security: str = "none", auth: bool = False, **extra) -> Settings:
    values: dict = {"data_dir": tmp_path, "smtp_security": security, "smtp_port": port, **extra}
    values["smtp_host"] = "127.0.0.1" if port else None
    if auth:
        values.update(smtp_user=USER, smtp_password=PASSWORD)
    values.setdefault("mail_rate_per_minute", 6000)
    return Settings(**values)


def attached_form(message: EmailMessage) -> dict[str, object]:
    """The metadata of the form attached to `message` (it must open as a workbook phoihop made)."""
    (attachment,) = list(message.iter_attachments())
    book = load_workbook(BytesIO(attachment.get_content()))
    meta = {row[0]: row[2] for row in book[META_SHEET].iter_rows(min_row=2, max_row=8, values_only=True)}
    return {"filename": attachment.get_filename(), **meta}


def bodies(message: EmailMessage) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()
