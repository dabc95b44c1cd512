/**
 * The evaluation of a kind whose evaluator lives in another language's module and has not been
 * wired into this build: such a case fails, saying so; it never passes unevaluated.
 */
import type { CaseOutcome } from '../types.js';

export function notWired(kind: string, evaluator: string): () => CaseOutcome {
  return () => ({
    passed: false,
    message: `${kind} cases cannot be evaluated by this build of chs: its evaluator (${evaluator}) is not wired into the test runner`,
  });
}
