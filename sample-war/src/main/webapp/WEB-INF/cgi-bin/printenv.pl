#!/usr/bin/perl
# The CGI environment as the program sees it: the RFC 3875 meta-variables and HTTP_* headers, nothing else.
print "Content-Type: text/plain; charset=utf-8\n\n";
print "$_=$ENV{$_}\n" for sort keys %ENV;
