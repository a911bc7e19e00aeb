// Dragging a person to a room with the mouse (HTML5 drag and drop). Touch and keyboard users
// have a "Flytta till" list by every name instead; this is only the desktop shortcut.
import type { Attachment } from 'svelte/attachments';

const TYPE = 'application/x-verkstad-person';

/** Make an element draggable as the person with this id. */
export function draggablePerson(personId: string): Attachment<HTMLElement> {
  return (node) => {
    node.draggable = true;
    const start = (event: DragEvent) => {
      event.dataTransfer?.setData(TYPE, personId);
      event.dataTransfer?.setData('text/plain', personId);
      if (event.dataTransfer) event.dataTransfer.effectAllowed = 'move';
      node.classList.add('dragging');
    };
    const end = () => node.classList.remove('dragging');
    node.addEventListener('dragstart', start);
    node.addEventListener('dragend', end);
    return () => {
      node.removeEventListener('dragstart', start);
      node.removeEventListener('dragend', end);
    };
  };
}

/** Make an element a place to drop a person; `ondrop` gets the person's id. */
export function dropPerson(ondrop: (personId: string) => void): Attachment<HTMLElement> {
  return (node) => {
    let depth = 0;
    const carries = (event: DragEvent) => !!event.dataTransfer?.types.includes(TYPE);
    const over = (event: DragEvent) => {
      if (!carries(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
    };
    const enter = (event: DragEvent) => {
      if (!carries(event)) return;
      depth++;
      node.classList.add('drop-target');
    };
    const leave = () => {
      depth = Math.max(0, depth - 1);
      if (!depth) node.classList.remove('drop-target');
    };
    const drop = (event: DragEvent) => {
      const id = event.dataTransfer?.getData(TYPE);
      depth = 0;
      node.classList.remove('drop-target');
      if (!id) return;
      event.preventDefault();
      ondrop(id);
    };
    node.addEventListener('dragover', over);
    node.addEventListener('dragenter', enter);
    node.addEventListener('dragleave', leave);
    node.addEventListener('drop', drop);
    return () => {
      node.removeEventListener('dragover', over);
      node.removeEventListener('dragenter', enter);
      node.removeEventListener('dragleave', leave);
      node.removeEventListener('drop', drop);
    };
  };
}
