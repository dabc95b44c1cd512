/**
 * The sticky note (danger-js / Renovate style): one note per merge request, found by a hidden
 * marker, edited only when its body changed; copies left by earlier runs are removed.
 */
import { maskSecrets } from '../core/secrets.js';
import { GitLabCallError } from './client.js';
import type { NoteRef, Platform } from './platform.js';

export const PREVIEW_MARKER = '<!-- container-host-security:preview -->';

export interface StickyNoteResult {
  action: 'created' | 'updated' | 'unchanged';
  noteId: number;
  /** Ids of the duplicate notes removed. */
  removed: number[];
}

/** The body as posted: the marker first, line endings as GitLab stores them, secrets masked. */
function stickyBody(body: string, marker: string = PREVIEW_MARKER): string {
  const text = maskSecrets(body.replace(/\r\n/g, '\n'));
  return text.startsWith(marker) ? text : `${marker}\n${text}`;
}

function isOurs(note: NoteRef, userId: number, marker: string): boolean {
  return !note.system && note.authorId === userId && note.body.trimStart().startsWith(marker);
}

export async function upsertStickyNote(
  platform: Platform,
  iid: number,
  body: string,
  marker: string = PREVIEW_MARKER,
): Promise<StickyNoteResult> {
  const wanted = stickyBody(body, marker);
  const me = await platform.currentUser();
  let ours = (await platform.mergeRequestNotes(iid))
    .filter((n) => isOurs(n, me.id, marker))
    .sort((a, b) => a.id - b.id);
  let action: StickyNoteResult['action'];
  let kept: NoteRef;
  if (ours.length === 0) {
    try {
      kept = await platform.createNote(iid, wanted);
      action = 'created';
    } catch (error) {
      // A 5xx on POST may hide a note that landed: look before anyone posts it again.
      if (!(error instanceof GitLabCallError) || error.status === undefined || error.status < 500)
        throw error;
      ours = (await platform.mergeRequestNotes(iid))
        .filter((n) => isOurs(n, me.id, marker))
        .sort((a, b) => a.id - b.id);
      const landed = ours[0];
      if (landed === undefined) throw error;
      kept = landed;
      action = landed.body === wanted ? 'created' : 'updated';
      if (landed.body !== wanted) kept = await platform.editNote(iid, landed.id, wanted);
    }
  } else {
    kept = ours[0] as NoteRef;
    if (kept.body === wanted) action = 'unchanged';
    else {
      kept = await platform.editNote(iid, kept.id, wanted);
      action = 'updated';
    }
  }
  const removed: number[] = [];
  for (const duplicate of ours) {
    if (duplicate.id === kept.id) continue;
    await platform.deleteNote(iid, duplicate.id);
    removed.push(duplicate.id);
  }
  return { action, noteId: kept.id, removed };
}
