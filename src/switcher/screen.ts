import blessed from "blessed";
import type { View } from "./view.ts";
import type { Frame } from "./frame.ts";
import { coalesceEscapes } from "./escapes.ts";
import { installTerminfoFallback } from "./terminfo.ts";

/**
 * The blessed widgets. No borders or line-drawing characters: a serial line or TERM=linux shows
 * plain text and reverse video the same everywhere. blessed redraws only changed cells, so the
 * 1 s redraw for uptimes writes a few bytes and nothing flickers.
 */
export interface SwitcherScreen {
  view: View;
  screen: blessed.Widgets.Screen;
  onKey(cb: (key: string) => void): void;
  /** The viewer closed itself (Esc/q): the controller's state follows. */
  onLogClosed(cb: () => void): void;
  /** Which terminfo entry blessed uses, and whether it is the built-in copy. */
  terminfo(): string;
  destroy(): void;
}

/** Rows taken by everything but the guest list and the log pane. */
const FIXED_ROWS = 4;

export function createScreen(opts: { terminal?: string } = {}): SwitcherScreen {
  coalesceEscapes(process.stdin);
  installTerminfoFallback(
    (blessed as unknown as { Tput: Parameters<typeof installTerminfoFallback>[0] }).Tput,
  );
  const screen = blessed.screen({
    smartCSR: true,
    terminal: opts.terminal,
    fullUnicode: false,
    warnings: false,
    autoPadding: false,
    title: "livedeck switcher",
  });
  const header = blessed.box({
    parent: screen,
    top: 0,
    left: 0,
    height: 1,
    width: "100%",
    style: { inverse: true },
  });
  const columns = blessed.box({
    parent: screen,
    top: 1,
    left: 0,
    height: 1,
    width: "100%",
    style: { bold: true },
  });
  const list = blessed.box({ parent: screen, top: 2, left: 0, width: "100%", tags: true });
  const status = blessed.box({
    parent: screen,
    left: 0,
    height: 1,
    width: "100%",
    style: { underline: true },
  });
  const logPane = blessed.log({ parent: screen, left: 0, width: "100%", scrollback: 500, tags: false });
  const help = blessed.box({
    parent: screen,
    bottom: 0,
    left: 0,
    height: 1,
    width: "100%",
    style: { inverse: true },
  });
  const confirm = blessed.box({
    parent: screen,
    hidden: true,
    height: 3,
    left: "center",
    top: "center",
    style: { inverse: true },
  });
  const dialog = blessed.box({
    parent: screen,
    hidden: true,
    left: "center",
    top: "center",
    border: { type: "line" },
    tags: true,
  });
  const viewer = blessed.box({
    parent: screen,
    hidden: true,
    top: 0,
    left: 0,
    width: "100%",
    height: "100%",
    scrollable: true,
    alwaysScroll: true,
    keys: true,
    vi: true,
    tags: false,
  });
  let last: Frame | null = null;
  let logClosed: () => void = () => undefined;

  function layout(): void {
    const h = screen.height as number;
    const logRows = Math.max(3, Math.floor((h - FIXED_ROWS) / 3));
    const listRows = Math.max(1, h - FIXED_ROWS - logRows);
    list.height = listRows;
    status.top = 2 + listRows;
    logPane.top = 3 + listRows;
    logPane.height = logRows;
  }

  function listContent(f: Frame): string {
    const rows = list.height as number;
    const start = f.selected < rows ? 0 : f.selected - rows + 1;
    return f.lines
      .slice(start, start + rows)
      .map((l, i) =>
        start + i === f.selected ? `{inverse}${blessed.escape(l)}{/inverse}` : blessed.escape(l),
      )
      .join("\n");
  }

  function render(f: Frame): void {
    last = f;
    header.setContent(f.header);
    columns.setContent(f.columns);
    list.setContent(listContent(f));
    status.setContent(f.status);
    help.setContent(f.help);
    if (f.confirm) {
      const w = Math.min((screen.width as number) - 2, f.confirm.length + 4);
      confirm.width = w;
      confirm.setContent(`\n  ${f.confirm}`.slice(0, 2 + w * 2));
      confirm.show();
      confirm.setFront();
    } else confirm.hide();
    if (f.dialog?.length) {
      const w = Math.min((screen.width as number) - 2, Math.max(...f.dialog.map((l) => l.text.length)) + 4);
      dialog.width = w;
      dialog.height = f.dialog.length + 2;
      dialog.setContent(
        f.dialog
          .map((l) => {
            const t = blessed.escape(l.text.slice(0, w - 3));
            if (l.selected) return `{inverse}${t}{/inverse}`;
            return l.dim ? `{gray-fg}${t}{/gray-fg}` : t;
          })
          .join("\n"),
      );
      dialog.show();
      dialog.setFront();
      if (f.confirm) confirm.setFront();
    } else dialog.hide();
    screen.render();
  }

  layout();
  screen.on("resize", () => {
    layout();
    if (last) render(last);
  });

  const view: View = {
    width: () => screen.width as number,
    render,
    log(line) {
      logPane.log(line);
    },
    showLog(title, text) {
      viewer.setContent(`${title}\n${"-".repeat(Math.min(title.length, screen.width as number))}\n${text}`);
      viewer.show();
      viewer.setFront();
      viewer.focus();
      viewer.setScrollPerc(100);
      screen.render();
    },
    runInTerminal(argv, opts = {}) {
      return new Promise((resolve) => {
        const [file, ...args] = argv;
        // blessed's spawn silences output before its own buffered writes go out: clear the screen
        // (TERM=linux has no alternate screen) and leave it now, so the console starts clean.
        const p = screen.program;
        p.clear();
        p.normalBuffer();
        p.showCursor();
        p.flush();
        const stdio = opts.captureStderr ? ["inherit", "inherit", "pipe"] : "inherit";
        const child = screen.spawn(file!, args, { stdio } as never);
        let stderr = "";
        child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", (e) => resolve({ code: null, stderr: `cannot run ${file}: ${e.message}` }));
        child.on("exit", (code) => {
          // blessed's own exit listener (registered first) has just resumed its input
          opts.onExit?.();
          setImmediate(() => p.hideCursor());
          // stderr may still be draining: give it a moment.
          setTimeout(() => resolve({ code, stderr }), 20);
        });
      });
    },
  };

  return {
    view,
    screen,
    onKey(cb) {
      screen.on("keypress", (ch: string | undefined, key: { full?: string } | undefined) => {
        const name = key?.full ?? ch;
        // "\r" arrives twice, as `return` and `enter` (blessed program.js): keep one.
        if (!name || name === "return") return;
        if (!viewer.hidden && ["escape", "q", "l", "enter"].includes(name)) {
          viewer.hide();
          screen.render();
          logClosed();
          return;
        }
        cb(name);
      });
    },
    onLogClosed(cb) {
      logClosed = cb;
    },
    terminfo() {
      const t = (screen.program as unknown as { tput: { terminal: string; livedeckBuiltin?: string } }).tput;
      const asked = opts.terminal ?? process.env.TERM ?? "";
      return `${t.terminal}${asked && asked !== t.terminal ? ` for TERM=${asked}` : ""}${t.livedeckBuiltin ? " (built-in copy)" : ""}`;
    },
    destroy() {
      screen.destroy();
    },
  };
}
