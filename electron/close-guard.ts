/**
 * "Closing with unsaved changes asks first", as a small state machine per window, so main.ts only wires
 * Electron events to it (tested in tests/electron/close-guard.test.ts).
 *
 *   close requested ── clean ───────────────────────────────────────────────► close
 *        │ dirty
 *        ▼
 *   ask: Save / Don't Save / Cancel
 *     Save       → send the renderer the 'save' command; when it reports clean (setDirty(false)) → close;
 *                  if the save is cancelled or fails → stay open
 *     Don't Save → close (and drop the autosave copy)
 *     Cancel     → stay open
 */
export type CloseChoice = 'save' | 'discard' | 'cancel';

/** What main must do next. */
export type CloseAction =
  /** Let this close go ahead (do not preventDefault). */
  | 'allow'
  /** Prevent this close and show the Save / Don't Save / Cancel question. */
  | 'ask'
  /** Prevent this close; a question or a save is already under way. */
  | 'wait'
  /** Send the renderer the 'save' menu command. */
  | 'save'
  /** Close the window now (it will come back through requestClose, which then allows it). */
  | 'close'
  /** Nothing to do. */
  | 'none';

type Phase = 'open' | 'asking' | 'saving' | 'closing';

export class CloseGuard {
  private dirty = false;
  private phase: Phase = 'open';
  /** Set when the user chose "Don't Save": main drops the window's autosave copy. */
  discarded = false;

  get isDirty(): boolean {
    return this.dirty;
  }

  get isClosing(): boolean {
    return this.phase === 'closing';
  }

  /** The renderer reported its unsaved state. */
  setDirty(dirty: boolean): CloseAction {
    this.dirty = dirty;
    if (!dirty && this.phase === 'saving') {
      this.phase = 'closing';
      return 'close';
    }
    return 'none';
  }

  /** The window is about to close (its 'close' event). */
  requestClose(): CloseAction {
    if (this.phase === 'closing') return 'allow';
    if (this.phase === 'asking' || this.phase === 'saving') return 'wait';
    if (!this.dirty) {
      this.phase = 'closing';
      return 'allow';
    }
    this.phase = 'asking';
    return 'ask';
  }

  /** The user answered the question. */
  answer(choice: CloseChoice): CloseAction {
    if (this.phase !== 'asking') return 'none';
    switch (choice) {
      case 'save':
        this.phase = 'saving';
        return 'save';
      case 'discard':
        this.phase = 'closing';
        this.discarded = true;
        return 'close';
      case 'cancel':
        this.phase = 'open';
        return 'none';
    }
  }

  /** A save requested by the question ended without saving (cancelled dialog, or an error). */
  saveAbandoned(): void {
    if (this.phase === 'saving') this.phase = 'open';
  }

  /** The window could not close after all (e.g. the quit was cancelled elsewhere): back to normal. */
  reopen(): void {
    this.phase = 'open';
    this.discarded = false;
  }
}

/** The message box for a window with unsaved changes. Button order matches `CLOSE_CHOICES`. */
export function closeQuestion(title: string): { message: string; detail: string; buttons: string[]; defaultId: number; cancelId: number } {
  // The renderer's title reads "• name — Layerloom" (the dot marks unsaved changes): keep the name.
  const project = title
    .trim()
    .replace(/^[•*]\s*/, '')
    .replace(/\s+[—–-]\s+Layerloom$/, '')
    .trim();
  const name = project === '' || project === 'Layerloom' ? 'this project' : `“${project.slice(0, 120)}”`;
  return {
    message: `Do you want to save the changes you made to ${name}?`,
    detail: "Your changes will be lost if you don't save them.",
    buttons: ['Save', "Don't Save", 'Cancel'],
    defaultId: 0,
    cancelId: 2,
  };
}

export const CLOSE_CHOICES: readonly CloseChoice[] = ['save', 'discard', 'cancel'];
