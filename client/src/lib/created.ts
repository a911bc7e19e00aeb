// The workshop this page has just created, so that its facilitator page shows the facilitator's
// own link once, right after creating (a reload does not show it again; the invite panel does).
let created: string | null = null;

export function markCreated(workshopId: string): void {
  created = workshopId;
}

/** Whether `workshopId` was just created here; asks only once. */
export function takeCreated(workshopId: string): boolean {
  const was = created === workshopId;
  if (was) created = null;
  return was;
}
