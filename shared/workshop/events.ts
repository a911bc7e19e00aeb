// Events: the record of what happened to a workshop. Stored in order, folded by `apply`.
import type {
  Absentee,
  Activity,
  Announcement,
  Breakout,
  Column,
  Note,
  OrgKind,
  Participant,
  ProjectorFocus,
  Theme,
  Timer,
  Voting,
  Workshop,
  WorkshopInfo,
} from './model.ts';
import type { ScaleEvent } from './scale.ts';
import type { WordCloud } from './wordCloud.ts';

export type WorkshopEvent =
  | {
      type: 'workshop.created';
      workshop: Omit<
        Workshop,
        'seq' | 'notes' | 'participants' | 'timer' | 'announcement' | 'themes' | 'ballots' | 'closedAt'
      >;
    }
  | { type: 'workshop.updated'; info: Partial<WorkshopInfo> }
  /** `at` starts the retention clock (RETENTION_DAYS). */
  | { type: 'workshop.closed'; at: number }
  | { type: 'workshop.reopened' }
  | { type: 'participant.joined'; participant: Participant }
  | { type: 'participant.removed'; participantId: string }
  /** The facilitator corrected how someone joined: only the fields that changed. */
  | { type: 'participant.updated'; participantId: string; name?: string; organisation?: string; orgKind?: OrgKind }
  | { type: 'activity.added'; activity: Activity; index: number }
  | {
      type: 'activity.updated';
      activityId: string;
      title?: string;
      columns?: Column[];
      anonymous?: boolean;
      hidden?: boolean;
      summary?: string;
      intro?: string;
    }
  | { type: 'activity.moved'; activityId: string; index: number }
  | { type: 'activity.removed'; activityId: string }
  | { type: 'activity.focused'; activityId: string | null }
  | { type: 'activity.locked'; activityId: string; locked: boolean }
  | { type: 'note.added'; note: Omit<Note, 'order'> }
  // Changes to a note carry its room, so fan-out knows who may hear of it without the note.
  | {
      type: 'note.edited';
      noteId: string;
      activityId: string;
      roomId: string | null;
      text: string;
      owner?: string;
      due?: string;
      /** null: the rating was taken away. */
      rating?: number | null;
      at: number;
    }
  | { type: 'note.moved'; noteId: string; activityId: string; roomId: string | null; columnId: string; at: number }
  | { type: 'note.deleted'; noteId: string; activityId: string; roomId: string | null; authorId: string | null }
  /** A note put under a theme, or taken out of one (null). */
  | { type: 'note.grouped'; noteId: string; activityId: string; themeId: string | null }
  | { type: 'theme.created'; theme: Theme }
  | { type: 'theme.renamed'; themeId: string; name: string }
  | { type: 'theme.deleted'; themeId: string }
  | { type: 'voting.started'; activityId: string; voting: Voting }
  | { type: 'voting.changed'; activityId: string; open?: boolean; revealed?: boolean; live?: boolean }
  /** One dot added (+1) or taken back (-1). Only the voter and facilitators ever see it. */
  | { type: 'vote.cast'; activityId: string; participantId: string; optionId: string; delta: 1 | -1 }
  | { type: 'wordcloud.started'; activityId: string; wordCloud: WordCloud }
  | { type: 'wordcloud.changed'; activityId: string; open?: boolean; revealed?: boolean; live?: boolean }
  /** A participant's words, all of them (a resend replaces). Only they and facilitators see it. */
  | { type: 'words.sent'; activityId: string; participantId: string; words: string[] }
  /** A merged word hidden from the cloud, or shown again. Facilitators only: it is the word. */
  | { type: 'word.hidden'; activityId: string; word: string; hidden: boolean }
  /** A participant's whole answer (ranking: option id -> place), replacing any before. Secret like a dot. */
  | { type: 'ballot.set'; activityId: string; participantId: string; ballot: Record<string, number> }
  | { type: 'breakout.opened'; activityId: string; breakout: Breakout }
  | { type: 'breakout.closed'; activityId: string; at: number }
  /** A participant is put in a room (and out of any other room of that breakout). */
  | { type: 'room.joined'; activityId: string; roomId: string; participantId: string }
  | {
      type: 'room.updated';
      activityId: string;
      roomId: string;
      name?: string;
      reporterId?: string | null;
      videoUrl?: string;
      summary?: string;
    }
  | { type: 'timer.set'; timer: Timer | null }
  | { type: 'announcement.set'; announcement: Announcement | null }
  /** The projector shows one column, theme or room alone (null: the whole activity again). */
  | { type: 'projector.focused'; focus: ProjectorFocus | null }
  /** Someone expected who sent apologies, for the minutes' "Anmält förhinder". */
  | { type: 'absentee.added'; absentee: Absentee }
  | { type: 'absentee.removed'; absenteeId: string }
  | ScaleEvent;

export type EventType = WorkshopEvent['type'];

/** An event with its place in the workshop's history. */
export interface Sequenced {
  seq: number;
  event: WorkshopEvent;
}
