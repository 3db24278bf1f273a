/**
 * The Monaco code views (loaded lazily by CodeDock): PyTorch code, the graph JSON (edited both ways), the ONNX
 * text and a diff against the saved file or a template. Each view follows the open document; only the JSON
 * view writes to it, one undo step per applied edit.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { generatePytorch } from '../../exporters/pytorch/generate';
import { listTemplates, loadTemplate } from '../../templates';
import { useApp } from '../app/AppContext';
import { useUiState } from '../app/useUiState';
import type { UiState } from '../app/ui-store';
import type { Editor } from '../store/editor';
import type { EditorDoc } from '../store/editor-doc';
import type { CodeTab } from './CodeDock';
import { documentJsonSchema, documentText, readJsonEdit, type TextProblem } from './json-edit';
import { json, monaco } from './monaco';
import { onnxTextOf } from './onnx-text';
import type { SavedDoc } from './saved-doc';

/** How long the views wait after an edit before following it (typing and drags come in bursts). */
const FOLLOW_MS = 150;
/** How long the JSON view waits after the last keystroke before applying the text to the canvas. */
const APPLY_MS = 400;

const GRAPH_URI = monaco.Uri.parse('inmemory://layerloom/graph.json');
const SCHEMA_URI = 'inmemory://layerloom/graph.schema.json';
json.jsonDefaults.setDiagnosticsOptions({
  validate: true,
  allowComments: false,
  enableSchemaRequest: false,
  schemas: [{ uri: SCHEMA_URI, fileMatch: [GRAPH_URI.toString()], schema: documentJsonSchema() }],
});

monaco.languages.register({ id: 'onnx-text', extensions: ['.onnxtxt'] });
monaco.languages.setMonarchTokensProvider('onnx-text', {
  tokenizer: {
    root: [
      [/\b(ir_version|opset_import|producer_name|producer_version)\b/, 'keyword'],
      [/\b(float|double|int64|int32|uint8|bool|int|ints|floats|string|tensor)\b/, 'type'],
      [/"([^"\\]|\\.)*"/, 'string'],
      [/-?\d+(\.\d+)?([eE][-+]?\d+)?/, 'number'],
      [/([A-Za-z_][\w.]*)(?=\s*(<|\())/, 'function'],
      [/[=<>(){}[\],:]/, 'delimiter'],
    ],
  },
});

const selectTheme = (s: UiState) => s.prefs.theme;

/** Calls `fn` with the document now and again (debounced) whenever it changes. */
function useDocFollower(editor: Editor, fn: (doc: EditorDoc) => void): void {
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => {
    let last = editor.getState().doc;
    let timer: ReturnType<typeof setTimeout> | undefined;
    latest.current(last);
    const stop = editor.subscribe(() => {
      const doc = editor.getState().doc;
      if (doc === last) return;
      last = doc;
      clearTimeout(timer);
      timer = setTimeout(() => latest.current(editor.getState().doc), FOLLOW_MS);
    });
    return () => {
      stop();
      clearTimeout(timer);
    };
  }, [editor]);
}

function useMonacoTheme(): void {
  const theme = useUiState(selectTheme);
  useEffect(() => monaco.editor.setTheme(theme === 'dark' ? 'vs-dark' : 'vs'), [theme]);
}

const BASE_OPTIONS: monaco.editor.IStandaloneEditorConstructionOptions = {
  automaticLayout: true,
  minimap: { enabled: false },
  fontSize: 12,
  scrollBeyondLastLine: false,
  tabSize: 2,
};

/** A code editor in `host`, kept on the element (`layerloomEditor`) so that tests can read its text. */
function createCodeEditor(host: HTMLElement, model: monaco.editor.ITextModel, readOnly: boolean): monaco.editor.IStandaloneCodeEditor {
  const ed = monaco.editor.create(host, { ...BASE_OPTIONS, model, readOnly, domReadOnly: readOnly });
  Object.assign(host, { layerloomEditor: ed });
  return ed;
}

/** A read-only editor in `host` with its own model; null until mounted (created in the effect, so React's dev double mount is safe). */
function useReadOnlyModel(host: RefObject<HTMLDivElement | null>, language: string): monaco.editor.ITextModel | null {
  const [model, setModel] = useState<monaco.editor.ITextModel | null>(null);
  useEffect(() => {
    const m = monaco.editor.createModel('', language);
    const ed = createCodeEditor(host.current!, m, true);
    setModel(m);
    return () => {
      ed.dispose();
      m.dispose();
      setModel(null);
    };
  }, [host, language]);
  return model;
}

/** Replaces a model's text only when it differs, keeping the reader's scroll position. */
function setText(model: monaco.editor.ITextModel, text: string): void {
  if (model.getValue() !== text) model.setValue(text);
}

function PytorchView() {
  const { editor } = useApp();
  const host = useRef<HTMLDivElement>(null);
  const model = useReadOnlyModel(host, 'python');
  const [files, setFiles] = useState<Readonly<Record<string, string>> | null>(null);
  const [problems, setProblems] = useState<readonly string[]>([]);
  const [file, setFile] = useState('model.py');

  useDocFollower(editor, (doc) => {
    const r = generatePytorch(doc, editor.analysis().shaped);
    if (r.ok) {
      setFiles(r.files);
      setProblems([]);
    } else setProblems(r.problems);
  });

  const names = files ? Object.keys(files) : [];
  const shown = files?.[file] !== undefined ? file : 'model.py';
  useEffect(() => {
    if (!files || !model) return;
    monaco.editor.setModelLanguage(model, shown.endsWith('.md') ? 'markdown' : 'python');
    setText(model, files[shown] ?? '');
  }, [files, shown, model]);

  return (
    <>
      <div className="ll-code__bar">
        {names.map((n) => (
          <button key={n} type="button" className={n === shown ? 'll-code__sub ll-code__sub--on' : 'll-code__sub'} data-testid={`code-file-${n}`} onClick={() => setFile(n)}>
            {n}
          </button>
        ))}
        <span className={problems.length ? 'll-code__status ll-code__status--error' : 'll-code__status'} data-testid="code-status">
          {problems.length ? `Not up to date: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}` : 'Read-only; follows the canvas'}
        </span>
      </div>
      <div className="ll-code__editor" ref={host} data-testid="code-editor-pytorch" />
    </>
  );
}

function toMarkers(model: monaco.editor.ITextModel, problems: readonly TextProblem[]): monaco.editor.IMarkerData[] {
  return problems.map((p) => {
    const start = model.getPositionAt(p.offset);
    const end = model.getPositionAt(p.offset + p.length);
    return {
      severity: monaco.MarkerSeverity.Error,
      message: p.message,
      startLineNumber: start.lineNumber,
      startColumn: start.column,
      endLineNumber: end.lineNumber,
      endColumn: end.column,
    };
  });
}

function JsonView() {
  const { editor } = useApp();
  const host = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState<{ text: string; error: boolean }>({ text: 'Edits apply to the canvas as you type', error: false });

  useEffect(() => {
    const model = monaco.editor.getModel(GRAPH_URI) ?? monaco.editor.createModel('', 'json', GRAPH_URI);
    model.setValue(documentText(editor.getState().doc));
    const ed = createCodeEditor(host.current!, model, false);
    /** The document the text was last made from or applied to. */
    let synced = editor.getState().doc;
    let following = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let pending = false;

    const apply = () => {
      clearTimeout(timer);
      if (!pending) return;
      pending = false;
      const r = readJsonEdit(editor.getState().doc, model.getValue());
      if (!r.ok) {
        monaco.editor.setModelMarkers(model, 'layerloom', toMarkers(model, r.problems));
        const n = r.problems.length;
        setStatus({ text: `${n} problem${n === 1 ? '' : 's'}: ${r.problems[0]!.message}. The canvas is unchanged.`, error: true });
        return;
      }
      monaco.editor.setModelMarkers(model, 'layerloom', []);
      if (r.command) {
        // The text is the whole document: edits apply at the top level, whatever block the canvas shows.
        if (editor.getState().blockPath.length) editor.exitBlock(0);
        editor.dispatch(r.command);
        setStatus({ text: 'Applied to the canvas (one undo step)', error: false });
      }
      synced = editor.getState().doc;
    };

    const follow = () => {
      const doc = editor.getState().doc;
      if (doc === synced) return;
      // The reader is in the middle of an edit: the canvas change waits until it is applied or abandoned.
      if (pending || (ed.hasTextFocus() && monaco.editor.getModelMarkers({ resource: GRAPH_URI, owner: 'layerloom' }).length > 0)) return;
      synced = doc;
      const r = readJsonEdit(doc, model.getValue());
      if (r.ok && r.command === null) return;
      following = true;
      try {
        model.pushEditOperations([], [{ range: model.getFullModelRange(), text: documentText(doc) }], () => null);
      } finally {
        following = false;
      }
      monaco.editor.setModelMarkers(model, 'layerloom', []);
    };

    const changes = model.onDidChangeContent(() => {
      if (following) return;
      pending = true;
      clearTimeout(timer);
      timer = setTimeout(apply, APPLY_MS);
    });
    const blur = ed.onDidBlurEditorText(apply);
    const stop = editor.subscribe(follow);
    return () => {
      apply();
      stop();
      changes.dispose();
      blur.dispose();
      ed.dispose();
      model.dispose();
    };
  }, [editor]);

  return (
    <>
      <div className="ll-code__bar">
        <span>Graph JSON: the project file, validated against its schema (Ctrl+Space completes)</span>
        <span className={status.error ? 'll-code__status ll-code__status--error' : 'll-code__status'} data-testid="code-status">
          {status.text}
        </span>
      </div>
      <div className="ll-code__editor" ref={host} data-testid="code-editor-json" />
    </>
  );
}

function OnnxView() {
  const { editor } = useApp();
  const host = useRef<HTMLDivElement>(null);
  const model = useReadOnlyModel(host, 'onnx-text');
  const [text, setOnnxText] = useState('');
  const [info, setInfo] = useState<{ text: string; error: boolean }>({ text: '', error: false });

  useEffect(() => {
    if (model) setText(model, text);
  }, [model, text]);

  useDocFollower(editor, (doc) => {
    const r = onnxTextOf(doc);
    if (!r.ok) {
      setInfo({ text: `Not up to date: ${r.problems[0] ?? 'the model has errors'}`, error: true });
      return;
    }
    setOnnxText(r.text);
    const opsets = r.model.opsetImports.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ');
    const g = r.model.graph;
    setInfo({ text: `IR version ${r.model.irVersion} · opset ${opsets} · ${g.nodes.length} nodes · ${g.initializers.length} initializers`, error: false });
  });

  return (
    <>
      <div className="ll-code__bar">
        <span>ONNX text syntax of the exported model (weights stay in the .onnx file)</span>
        <span className={info.error ? 'll-code__status ll-code__status--error' : 'll-code__status'} data-testid="code-status">
          {info.text}
        </span>
      </div>
      <div className="ll-code__editor" ref={host} data-testid="code-editor-onnx" />
    </>
  );
}

function DiffView({ saved }: { saved: SavedDoc | null }) {
  const { editor } = useApp();
  const host = useRef<HTMLDivElement>(null);
  const templates = useMemo(() => listTemplates(), []);
  const [against, setAgainst] = useState<string>('saved');
  const [stats, setStats] = useState('');
  const [models, setModels] = useState<{ original: monaco.editor.ITextModel; modified: monaco.editor.ITextModel } | null>(null);
  const [current, setCurrent] = useState<EditorDoc | null>(null);

  useEffect(() => {
    const m = { original: monaco.editor.createModel('', 'json'), modified: monaco.editor.createModel('', 'json') };
    const d = monaco.editor.createDiffEditor(host.current!, { ...BASE_OPTIONS, readOnly: true, originalEditable: false, renderSideBySide: true });
    d.setModel(m);
    Object.assign(host.current!, { layerloomEditor: d });
    const updated = d.onDidUpdateDiff(() => {
      const changes = d.getLineChanges() ?? [];
      let added = 0;
      let removed = 0;
      for (const c of changes) {
        if (c.modifiedEndLineNumber >= c.modifiedStartLineNumber && c.modifiedEndLineNumber > 0) added += c.modifiedEndLineNumber - c.modifiedStartLineNumber + 1;
        if (c.originalEndLineNumber >= c.originalStartLineNumber && c.originalEndLineNumber > 0) removed += c.originalEndLineNumber - c.originalStartLineNumber + 1;
      }
      setStats(changes.length === 0 ? 'No differences' : `${changes.length} change${changes.length === 1 ? '' : 's'}: +${added} −${removed} lines`);
    });
    setModels(m);
    return () => {
      updated.dispose();
      d.dispose();
      m.original.dispose();
      m.modified.dispose();
      setModels(null);
    };
  }, []);

  const original = useCallback((): string => {
    if (against === 'saved') {
      const doc = saved?.get();
      return doc ? documentText(doc) : '';
    }
    const t = loadTemplate(against);
    return t ? documentText(t.graph) : '';
  }, [against, saved]);

  // Saving makes the current state the saved one, without changing the document: follow every editor change.
  useEffect(() => {
    if (!models) return;
    const sync = () => setText(models.original, original());
    sync();
    return editor.subscribe(sync);
  }, [original, models, editor]);
  useDocFollower(editor, setCurrent);
  useEffect(() => {
    if (models && current) setText(models.modified, documentText(current));
  }, [models, current]);

  return (
    <>
      <div className="ll-code__bar">
        <label>
          Compare the current model with{' '}
          <select value={against} onChange={(e) => setAgainst(e.target.value)} data-testid="code-diff-against">
            <option value="saved">the saved file</option>
            {templates.map((t) => (
              <option key={t.id} value={t.id}>
                template {t.number}: {t.title}
              </option>
            ))}
          </select>
        </label>
        <span className="ll-code__status" data-testid="code-status">
          {stats}
        </span>
      </div>
      <div className="ll-code__editor" ref={host} data-testid="code-editor-diff" />
    </>
  );
}

export default function CodeViews({ tab, saved }: { tab: CodeTab; saved: SavedDoc | null }) {
  useMonacoTheme();
  switch (tab) {
    case 'pytorch':
      return <PytorchView />;
    case 'json':
      return <JsonView />;
    case 'onnx':
      return <OnnxView />;
    case 'diff':
      return <DiffView saved={saved} />;
  }
}
