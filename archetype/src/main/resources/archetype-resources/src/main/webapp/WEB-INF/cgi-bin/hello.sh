#!/bin/sh
# A CGI program (RFC 3875 §6): a header section, a blank line, the body.
printf 'Content-Type: text/plain\n\nHello from a CGI script! QUERY_STRING=%s\n' "$QUERY_STRING"
