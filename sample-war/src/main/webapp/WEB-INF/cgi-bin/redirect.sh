#!/bin/sh
# A local redirect (RFC 3875 §6.2.2): the server answers with hello.sh instead, the client sees no redirect.
printf 'Location: %s/hello.sh\n\n' "${SCRIPT_NAME%/*}"
