#!/bin/sh
# The desktop flavour's customisation, run chrooted in its rootfs at build time (flavours/desktop.yaml):
# a `demo` user, logged in on display :0 at every start by /etc/init.d/vnc (the flavour's `vnc`
# service), which guest-up runs before the guest says ready.
set -e

id demo >/dev/null 2>&1 || useradd --create-home --shell /bin/bash --comment "livedeck demo" demo

# The session: a coloured root window and an xterm already open, so the first frame is a desktop;
# Blackbox is the session's last process (its end ends the session).
cat >/home/demo/.xsession <<'SESSION'
#!/bin/sh
xsetroot -solid '#3a6ea5' 2>/dev/null
xterm -geometry 80x24+40+60 -title "livedeck $(hostname)" -e sh -c 'echo "livedeck guest $(hostname): Blackbox on Xvnc"; exec bash -l' &
exec blackbox
SESSION
chmod 0755 /home/demo/.xsession
chown -R demo:demo /home/demo

cat >/etc/init.d/vnc <<'SERVICE'
#!/bin/sh
# /etc/init.d/vnc (flavours/desktop.sh): the demo user's desktop on Xvnc, port 5900 of the guest
# network, with the password dom0 passed as livedeck.vncpw (never without one). `start` returns
# once the VNC port accepts connections and the window manager runs.
D=/home/demo
case "$1" in
start) ;;
stop)
	start-stop-daemon --stop --quiet --oknodo --exec /usr/bin/Xvnc
	exit 0
	;;
*)
	echo "usage: $0 start|stop" >&2
	exit 2
	;;
esac
pw=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^livedeck\.vncpw=//p' | tail -n 1)
if [ -z "$pw" ]; then
	echo "vnc: no livedeck.vncpw on the kernel command line: the desktop is not served without a password" >&2
	exit 1
fi
install -d -o demo -g demo -m 0700 "$D/.vnc"
printf '%s\n' "$pw" | vncpasswd -f >"$D/.vnc/passwd"
chown demo:demo "$D/.vnc/passwd"
chmod 0600 "$D/.vnc/passwd"
start-stop-daemon --start --background --chuid demo --chdir "$D" --exec /usr/bin/Xvnc -- :0 \
	-rfbport 5900 -geometry 1024x768 -depth 24 -SecurityTypes VncAuth -PasswordFile "$D/.vnc/passwd" \
	-AlwaysShared -nolisten tcp -desktop "$(hostname)"
# Waits go by the clock, not a count of tries: under emulation one try costs a varying share of a second.
wait_for() { # SECONDS WHAT COMMAND...
	end=$(($(cut -d. -f1 /proc/uptime) + $1)) what=$2
	shift 2
	until "$@" 2>/dev/null; do
		[ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ] || { echo "vnc: $what not up in time" >&2; exit 1; }
		sleep 0.2
	done
}
wait_for 120 "Xvnc's display :0" test -S /tmp/.X11-unix/X0
echo "vnc: Xvnc's display :0 at $(cut -d' ' -f1 /proc/uptime) s"
# by its path: the session's PATH (env -i) has no sbin
env -i HOME="$D" USER=demo LOGNAME=demo SHELL=/bin/bash DISPLAY=:0 PATH=/usr/local/bin:/usr/bin:/bin \
	/sbin/start-stop-daemon --start --background --chuid demo --chdir "$D" --exec "$D/.xsession"
# Ready: the window manager manages the screen (Blackbox sets the EWMH check window once it does)
# and the VNC port accepts.
desktop() {
	DISPLAY=:0 xprop -root _NET_SUPPORTING_WM_CHECK | grep -q 'window id' &&
		bash -c 'exec 3<>/dev/tcp/127.0.0.1/5900'
}
wait_for 300 "the desktop (Blackbox on :0)" desktop
echo "vnc: desktop of $(hostname) on port 5900 at $(cut -d' ' -f1 /proc/uptime) s"
SERVICE
chmod 0755 /etc/init.d/vnc

# A desktop restored from a saved state kept the saving boot's VNC password: this boot's comes with
# the restore (dom0's guest-start, in /run/livedeck/restore-params), and Xvnc reads its password file
# at each connection. No password, no desktop: the hook fails and dom0 boots the guest cold.
install -d /etc/livedeck/post-restore.d
cat >/etc/livedeck/post-restore.d/50-vnc-password <<'HOOK'
#!/bin/sh
pw=$(tr ' ' '\n' </run/livedeck/restore-params | sed -n 's/^livedeck\.vncpw=//p' | tail -n 1)
f=/home/demo/.vnc/passwd
if [ -z "$pw" ]; then
	: >"$f"
	echo "vnc: no VNC password came with the restore" >&2
	exit 1
fi
printf '%s\n' "$pw" | vncpasswd -f >"$f.new" && chown demo:demo "$f.new" && chmod 0600 "$f.new" && mv "$f.new" "$f"
HOOK
chmod 0755 /etc/livedeck/post-restore.d/50-vnc-password
