"""A plain-text SMTP dialogue, one command at a time, for what real clients refuse to do (e.g. AUTH
that was not offered). Prints "S: <reply line>" for every reply line and "C: <command>" for every
command sent.

usage: dialogue.py PORT COMMAND...
"""
import socket
import sys

port = int(sys.argv[1])
sock = socket.create_connection(("127.0.0.1", port), timeout=60)
replies = sock.makefile("rb")


def read_reply():
    while True:
        line = replies.readline()
        if not line:
            print("S: <connection closed>")
            return
        print("S: " + line.decode("utf-8", "replace").rstrip("\r\n"))
        if line[3:4] != b"-":
            return


read_reply()
for command in sys.argv[2:]:
    print("C: " + command)
    sock.sendall(command.encode("utf-8") + b"\r\n")
    read_reply()
sock.close()
