/**
 * The CI deck's Debian guest with an SSH server: one flavour for the vm tests that need sshd
 * (boot-params: livedeck.nossh keeps it from starting; states: restored copies make their own host
 * keys), so its layer is built once per test store. sshd uses only an ed25519 host key: a restore
 * makes new keys of the types sshd uses, and an RSA key takes long under emulation.
 */
export const DEBSSH = `name: debssh
description: Debian with an SSH server (boot-params test)
base: debian
packages: [openssh-server]
services: [ssh]
script: debssh.sh
`;

export const DEBSSH_SCRIPT = `#!/bin/sh
# debssh's sshd uses only its ed25519 host key (test/helpers/debssh.ts)
mkdir -p /etc/ssh/sshd_config.d
echo "HostKey /etc/ssh/ssh_host_ed25519_key" >/etc/ssh/sshd_config.d/livedeck-ed25519.conf
`;

/** The files a deck's flavours directory needs for DEBSSH (a CI medium's `files`, ci-media.ts). */
export const DEBSSH_FILES = { "debssh.yaml": DEBSSH, "debssh.sh": DEBSSH_SCRIPT };
