import type { Deck } from "../deck/schema.ts";
import { menuVars } from "../formats/grub-menu.ts";
import { STATES_ROLE } from "../stages/iso.ts";
import { step, type Step } from "./plan-step.ts";

/** Seconds a guest may take to boot cold in the prime VM: emulated on a busy build host, minutes. */
export const PRIME_GUEST_TIMEOUT_S = 1800;

/**
 * Saved guest states: a prime medium (the deck's medium without states, its menu booting
 * `livedeck.prime`, no memtest; independent of `build --append`, so test builds share it), one
 * prime step per CPU model of the deck (each boots it and saves every autostart guest), and the
 * roles through which the final iso step takes the states. None when the deck has no autostart
 * guest or no CPU model.
 */
export function planStates(
  deck: Deck,
  iso: { label: string; epoch: number; dom0MemoryMiB: number },
  inputs: { dom0: string; guests: string },
): { steps: Step[]; vendors: string[]; consumes: Record<string, string> } {
  const none = { steps: [], vendors: [], consumes: {} };
  if (!deck.guests.some((g) => g.autostart) || !deck.states.cpus.length) return none;
  const steps = [
    // the demo entry, whatever the deck boots by default (rescue would start no guests)
    step(
      "menu:prime",
      "menu",
      menuVars(
        { ...deck, boot: { ...deck.boot, default: "demo" } },
        { append: `livedeck.prime livedeck.guest-timeout=${PRIME_GUEST_TIMEOUT_S}`, memtest: false },
      ),
    ),
    step(
      "iso:prime",
      "iso",
      { ...iso, memtest: false },
      { menu: "menu:prime", dom0: inputs.dom0, guests: inputs.guests },
    ),
  ];
  const consumes: Record<string, string> = {};
  const vendors: string[] = [];
  for (const { vendor, model } of deck.states.cpus) {
    if (vendors.includes(vendor)) continue; // one set per vendor: the first model named wins
    const key = `prime:${vendor}`;
    steps.push(
      step(
        key,
        "prime",
        { vendor, cpu: model, level: deck.states.level, long: deck.states.long },
        { iso: "iso:prime", guests: inputs.guests },
      ),
    );
    consumes[`${STATES_ROLE}${vendor}`] = key;
    vendors.push(vendor);
  }
  return { steps, vendors, consumes };
}
