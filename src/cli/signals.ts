/** SIGINT/SIGTERM abort the running step (its temp dir is discarded); a second SIGINT leaves at once. */
export function interruptSignal(): AbortSignal {
  const ac = new AbortController();
  let count = 0;
  const on = () => {
    count++;
    if (count > 1) process.exit(130);
    ac.abort();
  };
  process.on("SIGINT", on);
  process.on("SIGTERM", on);
  return ac.signal;
}
