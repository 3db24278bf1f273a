/** The keyboard shortcuts, listed from the action registry, plus the mouse gestures of the canvas. */
import { memo } from 'react';
import { ACTIONS, keyLabel, type ActionGroup } from './actions';

const GROUPS: readonly ActionGroup[] = ['File', 'Edit', 'Model', 'View', 'Help'];

const GESTURES: readonly [string, string][] = [
  ['Drag a layer from the palette', 'add it where you drop it'],
  ['Drag from an output to an input', 'connect two layers'],
  ['Drop a connection on empty canvas', 'pick a layer to add there, connected'],
  ['Double-click the canvas', 'add a layer there'],
  ['Shift+drag on the canvas', 'box select'],
  ['Ctrl/⌘+click', 'add to the selection'],
  ['Drag the canvas, scroll', 'pan, zoom'],
  ['Right-click', 'context menu'],
  ['Double-click a comment', 'edit its text'],
  ['Drop a project file on the window', 'open it'],
];

export const HelpOverlay = memo(function HelpOverlay({ onClose }: { onClose: () => void }) {
  return (
    <div className="ll-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="ll-dialog ll-help" role="dialog" aria-label="Keyboard shortcuts" data-testid="help-overlay">
        <header>
          <h2>Keyboard shortcuts</h2>
          <button type="button" onClick={onClose} aria-label="Close">
            ×
          </button>
        </header>
        <div className="ll-help__columns">
          {GROUPS.map((g) => (
            <section key={g}>
              <h3>{g}</h3>
              <table>
                <tbody>
                  {ACTIONS.filter((a) => a.group === g).map((a) => (
                    <tr key={a.id} data-testid={`shortcut-${a.id}`}>
                      <td>{a.title}</td>
                      <td>
                        {a.keys.map((k) => (
                          <kbd key={k}>{keyLabel(k)}</kbd>
                        ))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ))}
          <section>
            <h3>Mouse</h3>
            <table>
              <tbody>
                {GESTURES.map(([what, does]) => (
                  <tr key={what}>
                    <td>{what}</td>
                    <td>{does}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </div>
      </div>
    </div>
  );
});
