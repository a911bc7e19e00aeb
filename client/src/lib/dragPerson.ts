// Dragging a person to a room with the mouse (HTML5 drag and drop). Touch and keyboard users
// have a "Flytta till" list by every name instead; this is only the desktop shortcut.
import type { Attachment } from 'svelte/attachments';
import { makeDraggable, makeDropTarget } from './dragDrop.ts';

const TYPE = 'application/x-verkstad-person';

/** Make an element draggable as the person with this id. */
export function draggablePerson(personId: string): Attachment<HTMLElement> {
  return (node) => makeDraggable(node, TYPE, personId);
}

/** Make an element a place to drop a person; `ondrop` gets the person's id. */
export function dropPerson(ondrop: (personId: string) => void): Attachment<HTMLElement> {
  return (node) => makeDropTarget(node, TYPE, ondrop);
}
