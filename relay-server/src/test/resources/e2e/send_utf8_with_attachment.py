"""smtplib over STARTTLS with AUTH: an 8-bit UTF-8 message (SMTPUTF8, BODY=8BITMIME) with a large
binary attachment. Writes the exact message bytes to OUT, then prints the relay's reply to DATA.

usage: send_utf8_with_attachment.py PORT USER PASSWORD FROM OUT ATTACHMENT_BYTES RCPT...
"""
import os
import sys
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import relay_client

port, user, password, sender, out, attachment_bytes = sys.argv[1:7]
recipients = sys.argv[7:]

msg = EmailMessage(policy=policy.SMTPUTF8)  # CRLF line ends, UTF-8 headers written as 8-bit
msg["From"] = "Drucker 2. OG <%s>" % sender
msg["To"] = ", ".join(recipients)
msg["Subject"] = "Prüfbericht – Größe über 20 MB ✓"
msg["Date"] = formatdate(localtime=False)
msg["Message-ID"] = make_msgid(domain="contoso.com")
msg.set_content(
    "Grüße aus dem Serverraum: Temperatur 31 °C.\n"
    ".Diese Zeile beginnt mit einem Punkt (dot-stuffing).\n"
    ".\n"
    "日本語のテキスト, ελληνικά, emoji 📠.\n",
    charset="utf-8", cte="8bit")
msg.add_attachment(os.urandom(int(attachment_bytes)), maintype="application", subtype="octet-stream",
                   filename="scan.bin")
data = msg.as_bytes()
relay_client.assert_crlf_only(data)
with open(out, "wb") as f:
    f.write(data)

with relay_client.connect_starttls(int(port), user, password, helo="mfp-2og") as s:
    refused = s.sendmail(sender, recipients, data, mail_options=["BODY=8BITMIME", "SMTPUTF8"])
    if refused:
        raise RuntimeError("recipients refused: %r" % (refused,))
    print("DATA reply: %d %s" % (s.data_reply[0], s.data_reply[1].decode("utf-8", "replace")))
