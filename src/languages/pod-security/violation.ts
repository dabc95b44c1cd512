/** A reason a pod is refused: by a Pod Security Standards check or by a policy's control. */
export interface Violation {
  /** The PSA check id (`runAsNonRoot`) or the policy control (`no-root/readOnlyRootFilesystem`). */
  check: string;
  reason: string;
  detail: string;
}
