// HTML5 drag and drop shared by notes and people: a dragged element carries an id under its own type.
/**
 * Make an element draggable as `id` under the data type `type`. With `isolate` the drag start
 * does not bubble (a draggable inside another draggable).
 */
export function makeDraggable(node: HTMLElement, type: string, id: string, isolate = false): () => void {
  node.draggable = true;
  const start = (event: DragEvent) => {
    if (isolate) event.stopPropagation();
    event.dataTransfer?.setData(type, id);
    event.dataTransfer?.setData('text/plain', id);
    if (event.dataTransfer) event.dataTransfer.effectAllowed = 'move';
    node.classList.add('dragging');
  };
  const end = () => node.classList.remove('dragging');
  node.addEventListener('dragstart', start);
  node.addEventListener('dragend', end);
  return () => {
    node.draggable = false;
    node.removeEventListener('dragstart', start);
    node.removeEventListener('dragend', end);
  };
}

/**
 * Make an element a place to drop what carries `type`; `ondrop` gets its id. It has the class
 * `drop-target` while something is held over it. With `isolate` the innermost target takes the
 * drop (targets inside targets), the others never hear of it.
 */
export function makeDropTarget(
  node: HTMLElement,
  type: string,
  ondrop: (id: string) => void,
  isolate = false,
): () => void {
  let depth = 0;
  const carries = (event: DragEvent) => !!event.dataTransfer?.types.includes(type);
  const over = (event: DragEvent) => {
    if (!carries(event)) return;
    event.preventDefault();
    if (isolate) event.stopPropagation();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
  };
  const enter = (event: DragEvent) => {
    if (!carries(event)) return;
    if (isolate) event.stopPropagation();
    depth++;
    node.classList.add('drop-target');
  };
  const leave = (event: DragEvent) => {
    if (isolate) event.stopPropagation();
    depth = Math.max(0, depth - 1);
    if (!depth) node.classList.remove('drop-target');
  };
  const drop = (event: DragEvent) => {
    const id = event.dataTransfer?.getData(type);
    depth = 0;
    node.classList.remove('drop-target');
    if (!id) return;
    event.preventDefault();
    if (isolate) event.stopPropagation();
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
}
