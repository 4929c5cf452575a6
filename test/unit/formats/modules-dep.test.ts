import { describe, expect, it } from "vitest";
import { moduleClosure, moduleName, parseModulesDep } from "../../../src/formats/modules-dep.ts";

const DEP = `kernel/drivers/xen/xenfs/xenfs.ko:
kernel/drivers/xen/xen-privcmd.ko: kernel/drivers/xen/xenfs/xenfs.ko
kernel/drivers/usb/storage/uas.ko: kernel/drivers/usb/storage/usb-storage.ko kernel/drivers/usb/core/usbcore.ko
kernel/drivers/usb/storage/usb-storage.ko: kernel/drivers/usb/core/usbcore.ko
kernel/drivers/usb/core/usbcore.ko: kernel/drivers/usb/common/usb-common.ko
kernel/drivers/usb/common/usb-common.ko:
kernel/fs/isofs/isofs.ko.xz:
kernel/drivers/net/e1000e/e1000e.ko:
`;
const BUILTIN = "kernel/drivers/input/serio/i8042.ko\nkernel/drivers/input/keyboard/atkbd.ko\n";

describe("modules.dep", () => {
  it.each([
    ["kernel/drivers/xen/xen-evtchn.ko", "xen_evtchn"],
    ["kernel/fs/isofs/isofs.ko.xz", "isofs"],
    ["kernel/crypto/zstd.ko.zst", "zstd"],
    ["xen-blkback", "xen_blkback"],
  ])("names %s %s", (path, name) => expect(moduleName(path)).toBe(name));

  it("parses dependencies, empty lists included", () => {
    const deps = parseModulesDep(DEP);
    expect(deps.get("kernel/drivers/xen/xen-privcmd.ko")).toEqual(["kernel/drivers/xen/xenfs/xenfs.ko"]);
    expect(deps.get("kernel/drivers/xen/xenfs/xenfs.ko")).toEqual([]);
    expect(deps.size).toBe(8);
  });

  it("keeps the wanted modules and everything they need, transitively, '-' and '_' alike", () => {
    const c = moduleClosure(DEP, BUILTIN, ["uas", "xen_privcmd", "isofs"]);
    expect([...c.keep].sort()).toEqual([
      "kernel/drivers/usb/common/usb-common.ko",
      "kernel/drivers/usb/core/usbcore.ko",
      "kernel/drivers/usb/storage/uas.ko",
      "kernel/drivers/usb/storage/usb-storage.ko",
      "kernel/drivers/xen/xen-privcmd.ko",
      "kernel/drivers/xen/xenfs/xenfs.ko",
      "kernel/fs/isofs/isofs.ko.xz",
    ]);
    expect(c.missing).toEqual([]);
  });

  it("sets built-in modules apart and reports unknown ones", () => {
    const c = moduleClosure(DEP, BUILTIN, ["i8042", "e1000e", "no-such-mod"]);
    expect(c.builtin).toEqual(["i8042"]);
    expect(c.missing).toEqual(["no-such-mod"]);
    expect([...c.keep]).toEqual(["kernel/drivers/net/e1000e/e1000e.ko"]);
  });
});
