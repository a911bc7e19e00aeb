// The facilitator's toolkit as commands: dot voting, themes, silent brainstorming, summaries,
// and a participant's vote. A base of WorkshopState, kept apart so that class stays readable.
import { nanoid } from 'nanoid';
import type { Command } from '../../../shared/protocol.ts';
import type { ProjectorFocus } from '../../../shared/workshop/model.ts';
import type { CommandInput } from './connection.ts';

export interface VotingSetup {
  target?: 'notes' | 'themes';
  dotsPerPerson: number;
  maxPerOption: number;
  /** Results shown to everyone while voting, not only after reveal. */
  live?: boolean;
  /** 100 poäng: the points each participant shares out. */
  budget?: number;
}

export interface OptionSource {
  fromActivityId: string;
  what: 'notes' | 'themes';
  /** Only the notes of this column of the earlier activity. */
  columnId?: string;
}

export abstract class Toolkit {
  protected abstract command(input: CommandInput): Command;

  // --- voting (facilitators) -----------------------------------------------------------

  startVoting(activityId: string, setup: VotingSetup) {
    return this.command({ type: 'voting.start', activityId, ...setup });
  }

  closeVoting(activityId: string) {
    return this.command({ type: 'voting.close', activityId });
  }

  reopenVoting(activityId: string) {
    return this.command({ type: 'voting.reopen', activityId });
  }

  revealResults(activityId: string, revealed: boolean) {
    return this.command({ type: 'results.reveal', activityId, revealed });
  }

  /** Copy an earlier activity's notes or themes in as options of a prioritisation. */
  importOptions(activityId: string, source: OptionSource) {
    return this.command({ type: 'options.import', activityId, ...source });
  }

  // --- voting (participants) -----------------------------------------------------------

  /** Place a dot (+1) on an option, or take one back (-1). */
  castVote(activityId: string, optionId: string, delta: 1 | -1) {
    return this.command({ type: 'vote.cast', activityId, optionId, delta });
  }

  /** Send one's whole ranking of the options, best first; it replaces any sent before. */
  submitRanking(activityId: string, order: string[]) {
    return this.command({ type: 'ranking.submit', activityId, order });
  }

  /** Send one's whole share-out of points; it replaces any sent before. */
  submitPoints(activityId: string, points: Record<string, number>) {
    return this.command({ type: 'points.submit', activityId, points });
  }

  // --- word cloud (ordmoln) -------------------------------------------------------------

  startWordCloud(activityId: string, setup: { maxWords: number; maxLength: number; live?: boolean }) {
    return this.command({ type: 'wordcloud.start', activityId, ...setup });
  }

  /** Open or close it, show or hide its result, or make it live (facilitators). */
  setWordCloud(activityId: string, change: { open?: boolean; revealed?: boolean; live?: boolean }) {
    return this.command({ type: 'wordcloud.set', activityId, ...change });
  }

  /** Hide a merged word from everyone but the facilitators, or show it again. */
  hideWord(activityId: string, word: string, hidden: boolean) {
    return this.command({ type: 'word.hide', activityId, word, hidden });
  }

  /** A participant's words, all of them: sending again replaces the earlier ones. */
  sendWords(activityId: string, words: string[]) {
    return this.command({ type: 'words.send', activityId, words });
  }

  // --- themes (facilitators) -----------------------------------------------------------

  /** Put a note under a theme, or take it out of its theme (null). */
  groupNote(noteId: string, themeId: string | null) {
    return this.command({ type: 'note.group', noteId, themeId });
  }

  /** A new theme holding these notes; returns its id. */
  createTheme(activityId: string, name: string, noteIds: string[] = []): string {
    const themeId = nanoid(12);
    this.command({ type: 'theme.create', themeId, activityId, name, noteIds });
    return themeId;
  }

  renameTheme(themeId: string, name: string) {
    return this.command({ type: 'theme.rename', themeId, name });
  }

  /** Ungroup: the theme goes, its notes stay. */
  deleteTheme(themeId: string) {
    return this.command({ type: 'theme.delete', themeId });
  }

  // --- silent brainstorming and summary (facilitators) ---------------------------------

  /** Hidden: participants see only their own notes and how many there are. */
  setHidden(activityId: string, hidden: boolean) {
    return this.command({ type: 'activity.update', activityId, hidden });
  }

  setSummary(activityId: string, summary: string) {
    return this.command({ type: 'activity.update', activityId, summary });
  }

  // --- the projector (facilitators) ----------------------------------------------------

  /** Show one column, theme or room alone on the projector; null: the whole activity. */
  focusProjector(focus: ProjectorFocus | null) {
    return this.command({ type: 'projector.focus', focus });
  }
}
