#!/bin/sh
# The desktop flavour's customisation, run chrooted in its rootfs at build time (flavours/desktop-xfce.yaml):
# a `demo` user, logged in on display :0 at every start by /etc/init.d/vnc (the flavour's `vnc`
# service), which guest-up runs before the guest says ready.
set -e

id demo >/dev/null 2>&1 || useradd --create-home --shell /bin/bash --comment "livedeck demo" demo

# The session: Xfce with its default panel (copied in, else the panel's first start asks which
# layout to use), no compositing (software under emulation), a solid blue background, and a terminal
# already open, so the first frame is a desktop.
x=/home/demo/.config/xfce4/xfconf/xfce-perchannel-xml
mkdir -p "$x"
cp /etc/xdg/xfce4/panel/default.xml "$x/xfce4-panel.xml"
cat >"$x/xfwm4.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<channel name="xfwm4" version="1.0">
  <property name="general" type="empty">
    <property name="use_compositing" type="bool" value="false"/>
  </property>
</channel>
XML
cat >"$x/xfce4-desktop.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<channel name="xfce4-desktop" version="1.0">
  <property name="backdrop" type="empty">
    <property name="screen0" type="empty">
      <property name="monitorVNC-0" type="empty">
        <property name="workspace0" type="empty">
          <property name="color-style" type="int" value="0"/>
          <property name="image-style" type="int" value="0"/>
          <property name="rgba1" type="array">
            <value type="double" value="0.227"/><value type="double" value="0.431"/>
            <value type="double" value="0.647"/><value type="double" value="1"/>
          </property>
        </property>
      </property>
      <property name="monitor0" type="empty">
        <property name="workspace0" type="empty">
          <property name="color-style" type="int" value="0"/>
          <property name="image-style" type="int" value="0"/>
          <property name="rgba1" type="array">
            <value type="double" value="0.227"/><value type="double" value="0.431"/>
            <value type="double" value="0.647"/><value type="double" value="1"/>
          </property>
        </property>
      </property>
    </property>
  </property>
</channel>
XML
mkdir -p /home/demo/.config/autostart
cat >/home/demo/.config/autostart/terminal.desktop <<'DESKTOP'
[Desktop Entry]
Type=Application
Name=Terminal
Exec=sh -c 'exec xfce4-terminal --geometry 80x24+40+60 --title "livedeck $(hostname)"'
DESKTOP
cat >/home/demo/.xsession <<'SESSION'
#!/bin/sh
exec dbus-launch --exit-with-session xfce4-session
SESSION
chmod 0755 /home/demo/.xsession
chown -R demo:demo /home/demo

cat >/etc/init.d/vnc <<'SERVICE'
#!/bin/sh
# /etc/init.d/vnc (flavours/desktop-xfce.sh): the demo user's desktop on Xvnc, port 5900 of the guest
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
# Ready: the window manager manages the screen (xfwm4 sets the EWMH check window once it does),
# the panel and the desktop are mapped, and the VNC port accepts.
desktop() {
	DISPLAY=:0 xprop -root _NET_SUPPORTING_WM_CHECK | grep -q 'window id' &&
		DISPLAY=:0 xwininfo -root -tree | grep -q '"xfce4-panel"' &&
		DISPLAY=:0 xwininfo -root -tree | grep -q '"xfdesktop"' &&
		bash -c 'exec 3<>/dev/tcp/127.0.0.1/5900'
}
wait_for 300 "the desktop (Xfce on :0)" desktop
echo "vnc: desktop of $(hostname) on port 5900 at $(cut -d' ' -f1 /proc/uptime) s"
SERVICE
chmod 0755 /etc/init.d/vnc
