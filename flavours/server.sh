#!/bin/sh
# The server flavour's customisation, run chrooted in its rootfs at build time (flavours/server.yaml).
# 1. nginx's page names the guest: a start-up hook (run by guest-up before the services, every boot)
#    writes it, since several guests may run this one flavour under different names.
# 2. MariaDB listens on the guest network, with a `demo` database that user `demo` (password `demo`)
#    may use from dom0's network: the demo shows a database reached from another guest.
set -e

mkdir -p /etc/livedeck/up.d
cat >/etc/livedeck/up.d/50-web-page <<'HOOK'
#!/bin/sh
# Written by flavours/server.sh: nginx's front page names this guest.
. /run/livedeck/env
cat >/var/www/html/index.html <<PAGE
<!doctype html>
<title>livedeck guest $name</title>
<h1>livedeck guest $name</h1>
<p>flavour ${flavour:-server}: nginx and MariaDB on a livedeck demo medium.</p>
PAGE
HOOK
chmod 0755 /etc/livedeck/up.d/50-web-page
rm -f /var/www/html/index.nginx-debian.html

cat >/etc/mysql/mariadb.conf.d/60-livedeck.cnf <<'CNF'
# flavours/server.sh: reachable from the other guests and dom0 (the guest network is private to dom0).
[mariadbd]
bind-address = 0.0.0.0
skip-name-resolve
CNF

# The server is not running in the chroot: bootstrap mode applies SQL to the data directory offline
# (it starts without grant tables: FLUSH PRIVILEGES loads them, so that CREATE USER works).
mariadbd --bootstrap --user=mysql --datadir=/var/lib/mysql --skip-networking --log-error=/tmp/bootstrap.log <<'SQL' || { grep -v '\[Note\]' /tmp/bootstrap.log; exit 1; }
FLUSH PRIVILEGES;
CREATE DATABASE IF NOT EXISTS demo;
CREATE TABLE IF NOT EXISTS demo.visits (guest VARCHAR(64) NOT NULL, at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE USER IF NOT EXISTS 'demo'@'%' IDENTIFIED BY 'demo';
GRANT ALL PRIVILEGES ON demo.* TO 'demo'@'%';
SQL
rm -f /tmp/bootstrap.log
