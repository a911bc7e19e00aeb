// A message for the next page this tab shows, e.g. "the workshop was deleted" on the home page.
export const notice = $state<{ text: string | null }>({ text: null });

/** The message waiting for this page, once: reading it clears it. */
export function takeNotice(): string | null {
  const text = notice.text;
  notice.text = null;
  return text;
}
