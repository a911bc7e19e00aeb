// The state of one open workshop page: the workshop as the server lets this viewer see it,
// who "you" are, who is online, the connection, and the commands on their way. Components read
// it and call its domain methods; only this class talks to the Connection.
import { nanoid } from 'nanoid';
import type { Command, Presence, Projection, Refused, Snapshot, You } from '../../../shared/protocol.ts';
import type { JoinRequest } from '../../../shared/schema.ts';
import { applyInPlace } from '../../../shared/workshop/apply.ts';
import { NO_PROJECTION } from '../../../shared/workshop/view.ts';
import type { Sequenced } from '../../../shared/workshop/events.ts';
import { tally } from '../../../shared/workshop/voting.ts';
import { scaleTally, type ScaleAnswer, type ScaleResult, type ScaleSettings } from '../../../shared/workshop/scale.ts';
import { rankingTally, type RankingResult } from '../../../shared/workshop/ranking.ts';
import { pointsTally, type PointsResult } from '../../../shared/workshop/points.ts';
import {
  FACILITATOR_ID,
  roomOf,
  type Activity,
  type ActivityKind,
  type Actor,
  type Assignment,
  type Column,
  type ErrorCode,
  type OptionResult,
  type OrgKind,
  type Room,
  type Workshop,
  type WorkshopInfo,
} from '../../../shared/workshop/model.ts';
import { KeptBoard } from './boardCache.ts';
import { conflictText, emptiedTitle } from './conflicts.ts';
import { Connection, type CommandInput, type ConnectionStatus } from './connection.ts';
import { errorText, i18n, t } from './i18n.svelte.ts';
import { notesFor, optimisticView, type Failure, type NoteView, type OptimisticView } from './optimistic.ts';
import { browserStorage, forgetWorkshop } from './storage.ts';
import { Toolkit } from './toolkit.ts';
import { tallyWords, type WordCloudResult } from '../../../shared/workshop/wordCloud.ts';

export interface WorkshopOptions {
  workshopId: string;
  facilitatorKey?: string;
  participantToken?: string;
  url?: string;
  /** Known before the first snapshot, from the join code's answer. */
  retentionDays?: number | null;
  /**
   * A participant's page keeps its board on the phone (boardCache.ts); `restore`: start from the
   * board kept, for someone who has opened this workshop on this phone before.
   */
  board?: { restore: boolean };
}

export interface NoteExtra {
  owner?: string;
  due?: string;
  /** Evaluation: 1–5 beside the comment. */
  rating?: number;
}

/** A room as the facilitator plans it before opening. */
export interface RoomDraft {
  id: string;
  name: string;
  members: string[];
  reporterId?: string | null;
  videoUrl?: string;
}

export type RoomPatch = Partial<Pick<Room, 'name' | 'reporterId' | 'videoUrl' | 'summary'>>;


export class WorkshopState extends Toolkit {
  readonly workshopId: string;
  workshop = $state.raw<Workshop | null>(null);
  you = $state.raw<You>({ role: 'public', participantId: null });
  online = $state.raw<ReadonlySet<string>>(new Set());
  status = $state<ConnectionStatus>('connecting');
  /** Set once the connection came back after being lost (for "Anslutningen är tillbaka"). */
  reconnected = $state(false);
  /** Why the server will not let this page in, or ended its access. */
  refusal = $state<ErrorCode | null>(null);
  pending = $state.raw<Command[]>([]);
  /** What the server says this page may know of results and hidden notes. */
  projection = $state.raw<Projection>(NO_PROJECTION);
  /** Refused commands with the server's code and message, until dismissed. */
  failures = $state.raw<Array<{ command: Command; refusal: Refused }>>([]);
  /** The same, readable in the current UI language. */
  failureTexts: Failure[] = $derived(
    this.failures.map((f) => ({
      command: f.command,
      message:
        conflictText(f.command, f.refusal, t) ??
        errorText(f.refusal.error, f.refusal.message, f.refusal.detail, emptiedTitle(f.command, this.workshop)),
    })),
  );
  #settling = $state.raw<Array<{ command: Command; seq: number }>>([]);
  /** Days a closed workshop is kept before the server erases it; null: until deleted. */
  retentionDays = $state<number | null>(null);
  /** Whether the server has spoken since the page opened: a kept board is not live news. */
  live = $state(false);
  /** Server clock minus this device's clock, from the last snapshot: timers show server time. */
  clockOffset = $state(0);

  readonly #connection: Connection;
  #wasOnline = false;
  #backTimer: ReturnType<typeof setTimeout> | undefined;
  /** A participant's page keeps its board on the phone (boardCache.ts). */
  readonly #board: KeptBoard | null;

  /** Who this page is to the rules (decide): null until the server says. */
  #actor: Actor | null = $derived(
    this.you.role === 'facilitator'
      ? { role: 'facilitator' }
      : this.you.participantId
        ? { role: 'participant', participantId: this.you.participantId }
        : null,
  );
  /** The commands on their way folded onto the state once, for notes and dots alike. */
  #optimistic: OptimisticView = $derived(
    this.workshop
      ? optimisticView(this.workshop, this.#actor, {
          pending: this.pending,
          settling: this.#settling.map((s) => s.command),
          failures: this.failureTexts,
          now: this.serverNow(),
        })
      : { notes: {}, ballots: {} },
  );
  notes: Record<string, NoteView> = $derived(this.#optimistic.notes);
  /** This participant's dots (activity → option → dots), votes on their way included. */
  myBallots: Record<string, Record<string, number>> = $derived(this.#optimistic.ballots);
  current: Activity | undefined = $derived(
    this.workshop?.activities.find((a) => a.id === this.workshop?.currentActivityId),
  );
  isFacilitator = $derived(this.you.role === 'facilitator');
  /** Author id of what this page writes. */
  myId: string | null = $derived(
    this.you.role === 'facilitator' ? FACILITATOR_ID : this.you.participantId,
  );
  /** The activity whose breakout rooms are open now, if any (at most one). */
  openBreakoutActivity: Activity | undefined = $derived(this.workshop?.activities.find((a) => a.breakout?.open));
  /** This participant's room in the current activity's breakout, open or closed. */
  myRoom: Room | undefined = $derived(
    this.you.participantId ? roomOf(this.current?.breakout, this.you.participantId) : undefined,
  );
  /** Failures with no note to show them on (the note is gone, or it is not about a note). */
  otherFailures: Failure[] = $derived(
    this.failureTexts.filter((f) => !('noteId' in f.command) || !this.notes[f.command.noteId]),
  );

  constructor(options: WorkshopOptions) {
    super();
    this.workshopId = options.workshopId;
    this.retentionDays = options.retentionDays ?? null;
    const token = options.participantToken;
    this.#board =
      options.board && token !== undefined && options.facilitatorKey === undefined
        ? new KeptBoard(options.workshopId, token, () => this.#boardState())
        : null;
    this.#connection = new Connection(
      // A kept board may be out of date in ways events do not mend (clock, retention): the
      // first answer is a snapshot; after that a reconnect catches up by events.
      { ...options, since: () => (this.live ? this.workshop?.seq : undefined), storage: browserStorage() },
      {
        snapshot: (s) => this.#onSnapshot(s),
        events: (events) => this.#onEvents(events),
        presence: (p: Presence) => (this.online = new Set(p.online)),
        projection: (p) => {
          this.projection = p;
          this.#board?.heard();
        },
        status: (status) => this.#onStatus(status),
        refused: (error) => this.#onRefused(error),
        ended: (error) => this.#onRefused(error),
        outbox: (pending) => (this.pending = pending),
        accepted: (command, seq) => {
          if (!this.workshop || seq > this.workshop.seq) this.#settling = [...this.#settling, { command, seq }];
        },
        rejected: (command, refusal) => {
          this.failures = [...this.failures, { command, refusal }];
        },
      },
    );
    const kept = options.board?.restore ? this.#board?.restore() : null;
    if (kept) {
      // Shown until the server's snapshot arrives; the join answer's retention is newer.
      this.workshop = kept.workshop;
      this.you = kept.you;
      this.projection = kept.projection;
      this.clockOffset = kept.clockOffset;
      if (options.retentionDays === undefined) this.retentionDays = kept.retentionDays;
      i18n.workshopLanguage = kept.workshop.language;
    }
  }

  connect(): void {
    this.#board?.listen();
    this.#connection.connect();
  }

  #boardState() {
    if (!this.workshop || this.you.role !== 'participant' || this.refusal) return null;
    const { workshop, you, projection, clockOffset, retentionDays } = this;
    return { workshop, you, projection, clockOffset, retentionDays };
  }

  #onRefused(error: ErrorCode) {
    this.refusal = error;
    this.#board?.drop();
    // Deleted for good: keep nothing of it here. Not on `not_found`, which a server started on
    // the wrong data folder also answers: the facilitator key is the only way back in.
    if (error === 'deleted') forgetWorkshop(this.workshopId);
  }

  destroy(): void {
    clearTimeout(this.#backTimer);
    this.#board?.dispose();
    this.#connection.close();
  }

  // --- reading -------------------------------------------------------------------------

  notesOf(activityId: string): NoteView[] {
    return notesFor(this.notes, activityId);
  }

  /** The name to show as a note's author, or null when it is hidden. */
  authorName(authorId: string | null): string | null {
    if (!authorId) return null;
    if (authorId === FACILITATOR_ID) return t('role.facilitator');
    return this.workshop?.participants[authorId]?.name ?? null;
  }

  /**
   * An activity's ranking, or null while it may not be shown: the facilitator tallies the
   * full state (live counts); everyone else gets only the server's projection.
   */
  resultsOf(activityId: string): OptionResult[] | null {
    if (!this.workshop) return null;
    if (this.isFacilitator)
      return this.workshop.activities.some((a) => a.id === activityId && a.voting) ? tally(this.workshop, activityId) : null;
    return this.projection.results[activityId] ?? null;
  }

  /** A ranking's mean places, or null while they may not be shown (as `resultsOf`). */
  rankingOf(activityId: string): RankingResult | null {
    if (!this.workshop) return null;
    if (this.isFacilitator)
      return this.workshop.activities.some((a) => a.id === activityId && a.voting) ? rankingTally(this.workshop, activityId) : null;
    return this.projection.rankings?.[activityId] ?? null;
  }

  /** A 100 poäng's points per option, or null while they may not be shown (as `resultsOf`). */
  pointsOf(activityId: string): PointsResult | null {
    if (!this.workshop) return null;
    if (this.isFacilitator)
      return this.workshop.activities.some((a) => a.id === activityId && a.voting) ? pointsTally(this.workshop, activityId) : null;
    return this.projection.points?.[activityId] ?? null;
  }

  /**
   * A word cloud's result, or null while it may not be shown: the facilitator tallies the full
   * state (hidden words marked); everyone else gets only the server's projection.
   */
  wordCloudOf(activityId: string): WordCloudResult | null {
    if (!this.workshop) return null;
    if (this.isFacilitator)
      return this.workshop.activities.some((a) => a.id === activityId && a.wordCloud) ? tallyWords(this.workshop, activityId, true) : null;
    return this.projection.wordClouds?.[activityId] ?? null;
  }

  /** A scale question's results, or null while they may not be shown (as `resultsOf`). */
  scaleOf(activityId: string): ScaleResult | null {
    if (!this.workshop) return null;
    if (this.isFacilitator) return scaleTally(this.workshop, activityId);
    return this.projection.scales?.[activityId] ?? null;
  }

  /** This participant's answer to a statement, the last one on its way included; null: none. */
  myScaleAnswer(activityId: string, statementId: string): ScaleAnswer | null {
    const mine = (c: Command) => c.type === 'scale.answer' && c.activityId === activityId && c.statementId === statementId;
    const sent = [...this.#settling.map((s) => s.command), ...this.pending].filter(mine).at(-1);
    if (sent?.type === 'scale.answer') return sent.value;
    const me = this.you.participantId;
    return me ? (this.workshop?.scaleAnswers?.[activityId]?.[me]?.[statementId] ?? null) : null;
  }

  answerScale(activityId: string, statementId: string, value: ScaleAnswer | null) {
    return this.#send({ type: 'scale.answer', activityId, statementId, value });
  }

  startScale(activityId: string, settings: Pick<ScaleSettings, 'max' | 'minLabel' | 'maxLabel' | 'dontKnow' | 'live'>) {
    return this.#send({ type: 'scale.start', activityId, ...settings });
  }

  changeScale(activityId: string, change: { open?: boolean; revealed?: boolean }) {
    return this.#send({ type: 'scale.change', activityId, ...change });
  }

  /** Now, by the server's clock. */
  serverNow(): number {
    return Date.now() + this.clockOffset;
  }

  /** Whether a command of this kind is still on its way to the server. */
  isSending(type: Command['type'], match: (command: Command) => boolean = () => true): boolean {
    return this.pending.some((c) => c.type === type && match(c));
  }

  isMine(note: { authorId: string | null }): boolean {
    return !!this.myId && note.authorId === this.myId;
  }

  dismiss(failureId: string): void {
    this.failures = this.failures.filter((f) => f.command.id !== failureId);
  }

  // --- participants --------------------------------------------------------------------

  join(request: JoinRequest) {
    return this.#connection.join(request);
  }

  removeParticipant(participantId: string) {
    return this.#send({ type: 'participant.remove', participantId });
  }

  /** A facilitator's correction of how someone joined: only the fields that change are sent. */
  updateParticipant(participantId: string, patch: { name?: string; organisation?: string; orgKind?: OrgKind }) {
    return this.#send({ type: 'participant.update', participantId, ...patch });
  }

  // --- notes ---------------------------------------------------------------------------

  /** `roomId`: the breakout room it is written in (a participant's own, or the one a facilitator visits). */
  addNote(activityId: string, columnId: string, text: string, extra: NoteExtra & { roomId?: string | null } = {}): string {
    const noteId = nanoid();
    const { roomId, ...rest } = extra;
    this.#send({ type: 'note.add', noteId, activityId, columnId, text, ...rest, ...(roomId && { roomId }) });
    return noteId;
  }

  /** `rating: null` takes an evaluation's rating away. */
  editNote(noteId: string, text: string, extra: Omit<NoteExtra, 'rating'> & { rating?: number | null } = {}) {
    this.#clearNoteFailures(noteId);
    return this.#send({ type: 'note.edit', noteId, text, ...extra });
  }

  moveNote(noteId: string, columnId: string) {
    return this.#send({ type: 'note.move', noteId, columnId });
  }

  deleteNote(noteId: string) {
    this.#clearNoteFailures(noteId);
    return this.#send({ type: 'note.delete', noteId });
  }

  // --- agenda (facilitators) -----------------------------------------------------------

  addActivity(kind: ActivityKind, options: { title?: string; questions?: string[]; withOptional?: boolean; index?: number } = {}) {
    const activityId = nanoid(10);
    this.#send({ type: 'activity.add', activityId, kind, ...options });
    return activityId;
  }

  updateActivity(activityId: string, patch: { title?: string; columns?: Column[]; anonymous?: boolean; intro?: string }) {
    return this.#send({ type: 'activity.update', activityId, ...patch });
  }

  moveActivity(activityId: string, index: number) {
    return this.#send({ type: 'activity.move', activityId, index });
  }

  removeActivity(activityId: string) {
    return this.#send({ type: 'activity.remove', activityId });
  }

  focusActivity(activityId: string | null) {
    return this.#send({ type: 'activity.focus', activityId });
  }

  lockActivity(activityId: string, locked: boolean) {
    return this.#send({ type: 'activity.lock', activityId, locked });
  }

  // --- breakout rooms ------------------------------------------------------------------

  openBreakout(activityId: string, assignment: Assignment, rooms: RoomDraft[], cap: number | null = null) {
    return this.#send({
      type: 'breakout.open',
      activityId,
      assignment,
      rooms,
      ...(assignment === 'selfSelect' && { cap }),
    });
  }

  closeBreakout(activityId: string) {
    return this.#send({ type: 'breakout.close', activityId });
  }

  /** A participant picks a room (self-select). */
  joinRoom(activityId: string, roomId: string) {
    return this.#send({ type: 'room.join', activityId, roomId });
  }

  /** A facilitator puts someone in a room. */
  moveToRoom(activityId: string, roomId: string, participantId: string) {
    return this.#send({ type: 'room.move', activityId, roomId, participantId });
  }

  updateRoom(activityId: string, roomId: string, patch: RoomPatch) {
    return this.#send({ type: 'room.update', activityId, roomId, ...patch });
  }

  // --- timer and announcements (facilitators) ------------------------------------------

  startTimer(seconds: number) {
    return this.#send({ type: 'timer.start', seconds });
  }

  pauseTimer() {
    return this.#send({ type: 'timer.pause' });
  }

  resumeTimer() {
    return this.#send({ type: 'timer.resume' });
  }

  addTime(seconds: number) {
    return this.#send({ type: 'timer.add', seconds });
  }

  stopTimer() {
    return this.#send({ type: 'timer.stop' });
  }

  announce(text: string) {
    return this.#send({ type: 'announcement.send', text });
  }

  clearAnnouncement() {
    return this.#send({ type: 'announcement.clear' });
  }

  // --- the workshop --------------------------------------------------------------------

  updateInfo(info: Partial<WorkshopInfo>) {
    return this.#send({ type: 'workshop.update', info });
  }

  // --- the minutes (facilitators) ------------------------------------------------------

  /** Someone expected who sent apologies ("Anmält förhinder"). */
  addAbsentee(name: string, organisation: string) {
    return this.#send({ type: 'absentee.add', absenteeId: nanoid(), name, organisation });
  }

  removeAbsentee(absenteeId: string) {
    return this.#send({ type: 'absentee.remove', absenteeId });
  }

  close() {
    return this.#send({ type: 'workshop.close' });
  }

  reopen() {
    return this.#send({ type: 'workshop.reopen' });
  }

  // --- wiring --------------------------------------------------------------------------

  #send(input: CommandInput): Command {
    return this.#connection.send(input);
  }

  protected command(input: CommandInput): Command {
    return this.#send(input);
  }

  #clearNoteFailures(noteId: string): void {
    this.failures = this.failures.filter((f) => !('noteId' in f.command) || f.command.noteId !== noteId);
  }

  #onSnapshot(snapshot: Snapshot): void {
    if (typeof snapshot.serverNow === 'number') this.clockOffset = snapshot.serverNow - Date.now();
    this.workshop = snapshot.workshop;
    this.you = snapshot.you;
    this.projection = snapshot.projection ?? NO_PROJECTION;
    this.retentionDays = snapshot.retentionDays ?? null;
    i18n.workshopLanguage = snapshot.workshop.language;
    this.live = true;
    this.#settle();
    this.#board?.heard();
  }

  #onEvents(events: Sequenced[]): void {
    let state = this.workshop;
    if (!state) return;
    // A gap in seq is an event this viewer may not see (docs/protocol.md §6.3): one connection
    // loses nothing, and a reconnect catches up from `since`. So a gap never asks for a snapshot.
    // In place: this page alone holds its state (parsed from its snapshot; the optimistic view
    // folds onto copies), and every view of it hangs on `workshop` itself, which is new after
    // each message. Copying would cost a copy of every note per event (3 s behind on a phone
    // in a 20,000-note workshop, bench `big`).
    for (const { seq, event } of events) state = applyInPlace(state, event, seq);
    this.workshop = state;
    i18n.workshopLanguage = state.language;
    this.live = true;
    this.#settle();
    this.#board?.heard();
  }

  /** Drop acknowledged commands whose events are now in the state. */
  #settle(): void {
    const seq = this.workshop?.seq ?? 0;
    if (this.#settling.some((s) => s.seq <= seq)) this.#settling = this.#settling.filter((s) => s.seq > seq);
  }

  #onStatus(status: ConnectionStatus): void {
    this.status = status;
    if (status === 'online') {
      if (this.#wasOnline) {
        this.reconnected = true;
        clearTimeout(this.#backTimer);
        this.#backTimer = setTimeout(() => (this.reconnected = false), 4000);
      }
      this.#wasOnline = true;
    } else if (status === 'offline') this.reconnected = false;
  }
}
