// A flag that turns on only after a condition has held for a while: "unsaved" shows when a
// save is slow, not as a flicker on every quick one. Create it while a component initialises.

export class Delayed {
  value = $state(false);

  constructor(condition: () => boolean, ms: number) {
    $effect(() => {
      if (!condition()) {
        this.value = false;
        return;
      }
      const timer = setTimeout(() => (this.value = true), ms);
      return () => clearTimeout(timer);
    });
  }
}
