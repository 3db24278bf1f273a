/** Closing with unsaved changes asks first (Save / Don't Save / Cancel). */
import { describe, expect, it } from 'vitest';
import { CLOSE_CHOICES, CloseGuard, closeQuestion } from '../../electron/close-guard';

describe('close guard', () => {
  it('closes a clean window at once', () => {
    const guard = new CloseGuard();
    expect(guard.requestClose()).toBe('allow');
    expect(guard.isClosing).toBe(true);
  });

  it('asks when dirty; Cancel keeps the window open and a later close asks again', () => {
    const guard = new CloseGuard();
    guard.setDirty(true);
    expect(guard.requestClose()).toBe('ask');
    expect(guard.requestClose()).toBe('wait');
    expect(guard.answer('cancel')).toBe('none');
    expect(guard.isClosing).toBe(false);
    expect(guard.requestClose()).toBe('ask');
  });

  it("Don't Save closes and marks the autosave for removal", () => {
    const guard = new CloseGuard();
    guard.setDirty(true);
    guard.requestClose();
    expect(guard.answer('discard')).toBe('close');
    expect(guard.discarded).toBe(true);
    expect(guard.requestClose()).toBe('allow');
  });

  it('Save asks the renderer to save and closes once it reports clean', () => {
    const guard = new CloseGuard();
    guard.setDirty(true);
    guard.requestClose();
    expect(guard.answer('save')).toBe('save');
    expect(guard.requestClose()).toBe('wait');
    expect(guard.setDirty(true)).toBe('none');
    expect(guard.setDirty(false)).toBe('close');
    expect(guard.requestClose()).toBe('allow');
  });

  it('a cancelled or failed save keeps the window open', () => {
    const guard = new CloseGuard();
    guard.setDirty(true);
    guard.requestClose();
    guard.answer('save');
    guard.saveAbandoned();
    expect(guard.isClosing).toBe(false);
    // Becoming clean later (an ordinary save) does not close the window by surprise.
    expect(guard.setDirty(false)).toBe('none');
  });

  it('words the question with the title and maps buttons to choices', () => {
    const q = closeQuestion('lenet.layerloom');
    expect(q.message).toBe('Do you want to save the changes you made to “lenet.layerloom”?');
    expect(q.buttons).toHaveLength(CLOSE_CHOICES.length);
    expect(CLOSE_CHOICES[q.cancelId]).toBe('cancel');
    expect(CLOSE_CHOICES[q.defaultId]).toBe('save');
    expect(closeQuestion('  ').message).toMatch(/this project/);
    // The renderer's title decorations are not part of the name.
    expect(closeQuestion('• lenet.json — Layerloom').message).toBe('Do you want to save the changes you made to “lenet.json”?');
    expect(closeQuestion('Layerloom').message).toMatch(/this project/);
  });
});
