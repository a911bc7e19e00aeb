// What a participant bot does on its turn: what the participant's page would let a person do
// on the current activity, through the same WorkshopState methods its components call.
import type { WorkshopState } from '../../client/src/lib/workshop.svelte.ts';
import { optionsOf } from '../../shared/workshop/voting.ts';
import type { PostAction } from '../bots.ts';

/** After the time stamp and the bot number: a note of ordinary length. */
const NOTE_TEXT = 'Kortare beslutsvägar mellan kommun och region när en brukare behöver båda';

/**
 * One turn of a participant's page on the current activity, as its components offer it: the
 * domain method to call, or null when the page offers nothing to do. `stamp` starts any text
 * written (the send time and the bot number, for the receivers to time it).
 */
export function turn(state: WorkshopState, action: PostAction, stamp: string): ((state: WorkshopState) => unknown) | null {
  const activity = state.current;
  if (!activity || !state.workshop) return null;
  const text = `${stamp} ${NOTE_TEXT}`;
  if (action === 'note') {
    // As CurrentActivity.svelte: into the phone's room while the breakout is open, else the plenary.
    const room = activity.breakout?.open ? state.myRoom : undefined;
    const columnId = activity.columns[0]?.id;
    if (!columnId) return null;
    return (s) => s.addNote(activity.id, columnId, text, { roomId: room?.id ?? null });
  }
  if (action === 'edit') {
    const mine = Object.values(state.workshop.notes).filter((n) => n.authorId !== null && n.authorId === state.myId);
    if (!mine.length) return null;
    const note = mine[Math.floor(Math.random() * mine.length)];
    return (s) => s.editNote(note.id, text);
  }
  // As DotVoter.svelte: a dot where one may go, else one taken back.
  const voting = activity.voting;
  if (!voting?.open) return null;
  const options = optionsOf(state.workshop, activity);
  if (!options.length) return null;
  const ballot = state.myBallots[activity.id] ?? {};
  const used = Object.values(ballot).reduce((a, b) => a + b, 0);
  const option = options[Math.floor(Math.random() * options.length)];
  const mine = ballot[option.id] ?? 0;
  if (used < voting.dotsPerPerson && mine < voting.maxPerOption) return (s) => s.castVote(activity.id, option.id, 1);
  const placed = Object.keys(ballot).filter((id) => ballot[id] > 0);
  if (!placed.length) return null;
  const back = placed[Math.floor(Math.random() * placed.length)];
  return (s) => s.castVote(activity.id, back, -1);
}
