# (included by the top Makefile.am)
