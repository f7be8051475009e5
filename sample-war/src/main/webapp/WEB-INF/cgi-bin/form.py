#!/usr/bin/python3
# A form: GET shows it, POST reads the urlencoded body from stdin (CONTENT_LENGTH bytes) and echoes it.
import html, os, sys
from urllib.parse import parse_qs

print("Content-Type: text/html; charset=utf-8")
print()
if os.environ.get("REQUEST_METHOD") == "POST":
    length = int(os.environ.get("CONTENT_LENGTH") or 0)
    fields = parse_qs(sys.stdin.buffer.read(length).decode("utf-8"))
    name = fields.get("name", ["stranger"])[0]
    print("<p>Hello, %s!</p>" % html.escape(name))
else:
    print('<form method="post"><input name="name"><button>Send</button></form>')
