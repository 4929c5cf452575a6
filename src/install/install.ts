import { randomBytes, randomUUID } from "node:crypto";
import { mkdir, mkdtemp, open, readFile, rm, stat, truncate } from "node:fs/promises";
import { join } from "node:path";
import type { InstallOptions, InstallRequest, InstallResult } from "./api.ts";
import { INSTALLED_MARKER } from "./api.ts";
import { ToolError, tailLines } from "../errors.ts";
import {
  chrootArgv,
  losetupArgv,
  mkfsExt4Argv,
  mkfsVfatArgv,
  sfdiskArgv,
  sfdiskJsonArgv,
  wipefsArgv,
} from "./argv.ts";
import { requestProblem } from "./checks.ts";
import { markerText } from "./config-text.ts";
import { installBootloader } from "./bootloader.ts";
import { configureRoot } from "./configure.ts";
import { requiredTargetBytes, parseSfdiskJson, sfdiskScript } from "./layout.ts";
import { bootNames, kernelVersions, writeInRoot } from "./root-files.ts";
import { sourceBytes, writeTree } from "./root-tree.ts";
import { InstallSession } from "./session.ts";
import { withChrootMounts } from "../tools/chroot.ts";
import { updateInitramfsArgv } from "./argv.ts";

/**
 * Installs one flavour to a disk or an image file (src/install/api.ts has the contract). Straight
 * line: check → partition → format → copy → configure → initramfs → bootloader → finish. Any
 * failure unmounts, detaches, and leaves the target empty (image removed, disk wiped).
 */
export async function install(req: InstallRequest, o: InstallOptions): Promise<InstallResult> {
  const s = new InstallSession(o);
  const target = req.target;
  let written = false;
  try {
    s.enter("check", "checking the request and the target");
    const problem = requestProblem(req);
    if (problem) throw new Error(problem);
    const treeBytes = await sourceBytes(o.source);
    const need = requiredTargetBytes(treeBytes);
    if (target.kind === "device") {
      const st = await stat(target.path);
      if (!st.isBlockDevice()) throw new Error(`${target.path} is not a block device`);
    } else if (target.sizeBytes < need) {
      throw new Error(`an image of ${target.sizeBytes} bytes is too small: the flavour needs ${need}`);
    }
    await mkdir(o.workDir, { recursive: true });
    const work = await mkdtemp(join(o.workDir, "install-"));
    s.onCleanup("scratch", () => rm(work, { recursive: true, force: true }));

    s.enter("partition", "writing the partition table");
    written = true;
    if (target.kind === "image") {
      await rm(target.path, { force: true });
      await (await open(target.path, "wx")).close();
      await truncate(target.path, target.sizeBytes);
    }
    await s.run(sfdiskArgv(target.path), { input: sfdiskScript() });
    const parts = parseSfdiskJson((await s.run(sfdiskJsonArgv(target.path))).stdout);
    if (target.kind === "device" && parts.root.offset + parts.root.bytes < need)
      throw new Error(`${target.path} is too small: the flavour needs ${need} bytes`);

    s.enter("format", "making the filesystems");
    const ids = { rootUuid: randomUUID(), espUuid: "" };
    const volumeId = randomBytes(4).toString("hex").toUpperCase();
    ids.espUuid = `${volumeId.slice(0, 4)}-${volumeId.slice(4)}`;
    const rootDev = (
      await s.run(losetupArgv(target.path, parts.root.offset, parts.root.bytes))
    ).stdout.trim();
    s.onCleanup(`detach ${rootDev}`, () => s.run(["losetup", "--detach", rootDev], { undo: true }));
    await s.run(mkfsExt4Argv(rootDev, ids.rootUuid));
    await s.run(mkfsVfatArgv(target.path, parts.esp.offset, parts.esp.bytes, volumeId));
    const root = join(work, "root");
    await mkdir(root);
    await s.run(["mount", "-t", "ext4", rootDev, root]);
    s.onCleanup(`unmount ${root}`, () => s.run(["umount", root], { undo: true }));

    s.enter("copy", "writing the flavour's files");
    await writeTree(s, o.source, root, work, treeBytes);

    s.enter("configure", "hostname, user, network, consoles, fstab");
    const kernel = kernelVersions(await bootNames(root)).at(-1);
    if (!kernel) throw new Error("the flavour's tree has no kernel (/boot/vmlinuz-*): not an install root");
    await configureRoot(s, root, req, ids);

    s.enter("initramfs", `initramfs for ${kernel}`);
    const initrd = join(root, "boot", `initrd.img-${kernel}`);
    if (!(await stat(initrd).catch(() => null))) {
      await withChrootMounts(
        root,
        (argv) => s.run(argv),
        () => s.run(chrootArgv(root, updateInitramfsArgv(kernel))),
        true,
      );
    } else s.progress(1, `initramfs for ${kernel}: the flavour's own`);

    s.enter("bootloader", "GRUB for BIOS and UEFI");
    await installBootloader(s, {
      target: target.path,
      parts,
      root,
      work,
      ids,
      kernel,
      hostname: req.hostname,
      withXen: req.withXen,
      grubLibDir: o.grubLibDir,
    });
    // The marker after everything else, then synced: a disk without it is not an installed system.
    await writeInRoot(
      root,
      INSTALLED_MARKER.slice(1),
      markerText({ flavour: req.flavour, kernel, xen: req.withXen }),
    );
    await s.run(["sync", "--file-system", join(root, INSTALLED_MARKER)]);

    s.enter("finish", "unmounting");
    const used = await rootUsedBytes(s, root);
    const failed = await s.cleanup();
    if (failed.length) throw new Error(`cleanup failed: ${failed.join("; ")}`);
    s.progress(1, "installed");
    s.done();
    return { ok: true, target, ids: { ...ids, kernel }, rootUsedBytes: used, seconds: s.seconds };
  } catch (e) {
    const step = s.step;
    const message = failureLine(e);
    const failed = await s.cleanup();
    // a loop device attached as the abort came (its name never reached us) must not outlive the install
    await detachLoopsOf(s, target.path).catch((d: Error) => failed.push(`detach: ${d.message}`));
    let rolledBack: "wiped" | "removed" | "untouched" | "unknown" = written ? "unknown" : "untouched";
    if (written && !failed.length) {
      try {
        if (target.kind === "image") {
          await rm(target.path, { force: true });
          rolledBack = "removed";
        } else {
          await s.run(wipefsArgv(target.path), { undo: true });
          rolledBack = "wiped";
        }
      } catch (w) {
        failed.push(`rollback: ${(w as Error).message}`);
      }
    }
    const why = failed.length ? `${message} (and: ${failed.join("; ")})` : message;
    return { ok: false, step, message: why, rolledBack };
  }
}

async function detachLoopsOf(s: InstallSession, target: string): Promise<void> {
  const r = await s.run(["losetup", "--associated", target, "--noheadings", "--output", "NAME", "--list"], {
    undo: true,
  });
  for (const dev of r.stdout
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean))
    await s.run(["losetup", "--detach", dev], { undo: true });
}

async function rootUsedBytes(s: InstallSession, root: string): Promise<number> {
  const out = (await s.run(["df", "--block-size=1", "--output=used", root])).stdout.trim().split("\n");
  return Number(out.at(-1));
}

/** The marker's text on an installed root, or null (for checks and tests). */
export async function readMarker(root: string): Promise<string | null> {
  return readFile(join(root, INSTALLED_MARKER), "utf8").catch(() => null);
}

/**
 * One line for the person and the guest: a tool's own last words (mtools, mkfs say why on stderr)
 * after its name, else the error's first line.
 */
export function failureLine(e: unknown): string {
  if (e instanceof ToolError && e.message !== "cancelled") {
    const said = tailLines(e.stderrTail, 1).trim();
    return `${e.argv[0]} failed (exit code ${e.exitCode ?? "signal"})${said ? `: ${said}` : ""}`;
  }
  return e instanceof Error ? e.message.split("\n")[0]! : String(e);
}
