"""Sends one message file with smtplib, as a script on a server would: over STARTTLS with AUTH,
over implicit TLS (SMTP_SSL) with AUTH, or in plain text without AUTH from a trusted host's
address. The file must have CRLF line ends only: smtplib then sends it unchanged apart from
dot-stuffing. Prints the relay's reply to DATA.

usage: send_file.py starttls|implicit|plain PORT USER PASSWORD SOURCE_ADDRESS FROM FILE RCPT...
"""
import smtplib
import sys

import relay_client

mode, port, user, password, source, sender, path = sys.argv[1:8]
recipients = sys.argv[8:]
with open(path, "rb") as f:
    data = f.read()
relay_client.assert_crlf_only(data)

where = dict(host="127.0.0.1", port=int(port), local_hostname="python-" + mode, timeout=120,
             source_address=(source, 0))
if mode == "implicit":
    s = relay_client.RecordingSMTP_SSL(context=relay_client.tls_context(), **where)
else:
    s = relay_client.RecordingSMTP(**where)
s.ehlo()
if mode == "starttls":
    s.starttls(context=relay_client.tls_context())
    s.ehlo()
if mode != "plain":
    s.login(user, password)
s.sendmail(sender, recipients, data)
print("DATA reply: %d %s" % (s.data_reply[0], s.data_reply[1].decode("utf-8")))
s.quit()
