# livedeck's dom0 tools (guest-shell, marker, …) for a login shell on the console
PATH=$PATH:/usr/lib/livedeck
