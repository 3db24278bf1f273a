/**
 * A TrainingSession on native onnxruntime driven as the app's worker drives it, for Node tests: every message it
 * posts is kept, `until` waits for the first message that passes a test (or finds one already posted), and
 * `view` asks for a teaching view and waits for its answer.
 */
import { nodeBackend } from '../../runtime/train/backend-node';
import type { FromWorker, ViewRequest, ViewResult } from '../../renderer/train/protocol';
import { TrainingSession } from '../../renderer/train/session';

export function sessionHarness() {
  const messages: FromWorker[] = [];
  const waiters: { test: (m: FromWorker) => boolean; resolve: (m: FromWorker) => void }[] = [];
  const session = new TrainingSession({
    backend: () => nodeBackend('native'),
    probeBackend: () => nodeBackend('native'),
    post: (m) => {
      messages.push(m);
      for (const w of [...waiters])
        if (w.test(m)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
    },
  });
  const until = <T extends FromWorker>(test: (m: FromWorker) => boolean) =>
    new Promise<T>((resolve) => {
      const seen = messages.find(test);
      if (seen) resolve(seen as T);
      else waiters.push({ test, resolve: resolve as (m: FromWorker) => void });
    });
  let nextId = 1;
  const view = async (request: ViewRequest): Promise<ViewResult | { kind: 'error'; message: string }> => {
    const id = nextId++;
    const answer = until<Extract<FromWorker, { type: 'view' }>>((m) => m.type === 'view' && m.id === id);
    void session.handle({ type: 'view', id, request });
    return (await answer).result;
  };
  return { session, messages, until, view };
}
