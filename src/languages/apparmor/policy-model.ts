/**
 * The shape of a built AppArmor policy: what model.ts builds and what the rules' checks read. Apart
 * from model.ts so that the rules can name it without importing the code that reports them.
 */
import type { Abi, Profile, Rule } from './ast.js';

export interface PlacedRule {
  rule: Rule;
  /** The file the rule is written in (an include, possibly). */
  file: string;
}

export interface ProfileModel {
  /** The full name: `parent//child` for hats and child profiles. */
  name: string;
  /** The name as written (`^hat` without the caret). */
  localName: string;
  node: Profile;
  file: string;
  parent?: ProfileModel;
  rules: PlacedRule[];
  children: ProfileModel[];
  /** Flag names (mode flags included). */
  flags: Set<string>;
  /** The variables of the file that defines the profile. */
  variables: Map<string, string[]>;
}

export interface PolicyModel {
  /** Every profile, children after their parent. */
  profiles: ProfileModel[];
  variables: Map<string, string[]>;
  booleans: Map<string, boolean>;
  abis: { node: Abi; file: string }[];
}
