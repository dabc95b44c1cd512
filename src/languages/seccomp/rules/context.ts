/** What every seccomp rule's check receives. */
import type { Mode } from '../../../core/kinds.js';
import type { Report } from '../../../core/rule.js';
import type { SourceFile } from '../../../core/source.js';
import type { Runtime, SeccompProfile } from '../profile.js';

export interface SeccompCheckContext {
  profile: SeccompProfile;
  source: SourceFile;
  /** Who loads the profile: the profile's `x-chs.runtime`, else chs.yaml's `seccomp.runtime`. */
  runtime: Runtime;
  /** The profile's mode: its `x-chs.mode`, else `block` if a target deploys it so, else chs.yaml's. */
  mode: Mode;
  /** The targets whose mode makes the profile block (empty when the mode is the profile's own). */
  blockTargets: string[];
  report: Report;
}
