/**
 * SSH host keys are drawn at random when openssh-server is installed: baked into a layer they make
 * every build differ and every booted copy of the medium share one identity. The layer leaves
 * them out and ssh.service makes a guest's own on its first start (`ssh-keygen -A`), before
 * Debian's unit checks its config (`sshd -t`, which fails without keys): the drop-in resets the
 * unit's ExecStartPre list to keygen, then that check.
 */
export const HOST_KEY_DROPIN = "etc/systemd/system/ssh.service.d/livedeck-host-keys.conf";

export const HOST_KEY_DROPIN_TEXT =
  "[Service]\nExecStartPre=\nExecStartPre=/usr/bin/ssh-keygen -A\nExecStartPre=/usr/sbin/sshd -t\n";

/** mmdebstrap customize hook: when sshd is installed, no host keys and the drop-in instead. */
export function hostKeyHook(): string {
  const dropin = `"$1"/${HOST_KEY_DROPIN}`;
  return (
    `--customize-hook=if [ -e "$1"/usr/sbin/sshd ]; then rm -f "$1"/etc/ssh/ssh_host_*; ` +
    `mkdir -p "$(dirname ${dropin})" && printf '${HOST_KEY_DROPIN_TEXT.replaceAll("\n", "\\n")}' > ${dropin}; fi`
  );
}
