// Moving keyboard focus where the page changed (WCAG 2.4.3): to content that is not a control,
// which then needs tabindex -1 to take it.

/** Focus an element, making it focusable by script first if it is not. */
export function focusElement(element: HTMLElement | null | undefined): void {
  if (!element) return;
  if (!element.hasAttribute('tabindex')) element.tabIndex = -1;
  element.focus();
}

/** `use:focusOnMount`: focused as it appears, so a screen reader reads it on arrival. */
export const focusOnMount = (node: HTMLElement) => focusElement(node);
