#!/bin/sh
# The smallest CGI program: a header section, a blank line, the body (RFC 3875 §6).
printf 'Content-Type: text/plain\n\nHello from a shell CGI script!\n'
