"""Shared pieces of the end-to-end test clients (run by the Java tests with python3 -u)."""
import re
import smtplib
import ssl

QUEUED = re.compile(rb"queued as ([0-9A-Z]{16})")


def tls_context():
    # The relay's certificate is self-signed; the tests check the relay, not the PKI.
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


class RecordingMixin:
    """Remembers the reply to DATA, which sendmail() does not return."""

    data_reply = None

    def data(self, msg):
        self.data_reply = super().data(msg)
        return self.data_reply

    def queue_id(self):
        code, text = self.data_reply
        match = QUEUED.search(text)
        if code != 250 or not match:
            raise RuntimeError("unexpected reply to DATA: %r" % (self.data_reply,))
        return match.group(1).decode("ascii")


class RecordingSMTP(RecordingMixin, smtplib.SMTP):
    """smtplib.SMTP that remembers the reply to DATA."""


class RecordingSMTP_SSL(RecordingMixin, smtplib.SMTP_SSL):
    """smtplib.SMTP_SSL (implicit TLS) that remembers the reply to DATA."""


def connect_starttls(port, user, password, helo="python-e2e", timeout=120):
    """EHLO, STARTTLS, EHLO again, AUTH (smtplib picks PLAIN): an authenticated session."""
    s = RecordingSMTP("127.0.0.1", port, local_hostname=helo, timeout=timeout)
    s.ehlo()
    s.starttls(context=tls_context())
    s.ehlo()
    s.login(user, password)
    return s


def assert_crlf_only(data):
    """The test messages use CRLF line ends only, so smtplib sends them unchanged (apart from dot-stuffing)."""
    if b"\n" in data.replace(b"\r\n", b"") or b"\r" in data.replace(b"\r\n", b""):
        raise AssertionError("message has a bare CR or LF")
    if not data.endswith(b"\r\n"):
        raise AssertionError("message does not end with CRLF")
