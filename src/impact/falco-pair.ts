/**
 * The evidence about changed Falco conditions: on each recorded event, whether a changed rule's
 * condition before and after the change agree. Both conditions of every changed rule go into one
 * ruleset matching `all`, so that its per-type chains decide them together (each field read once
 * per event, the common checks inline, conditions that cannot meet the event's type left out),
 * instead of a closure per condition and event.
 */
import type { EngineEvent, EngineRule } from '../languages/falco/index.js';
import { Ruleset } from '../languages/falco/index.js';

export interface ChangedCondition {
  name: string;
  before: EngineRule;
  after: EngineRule;
}

export class ConditionEvidence {
  private readonly set: Ruleset;
  /** `stamp[i] === serial` when condition `i` (2 × pair, + 1 for after) holds on the current event. */
  private readonly stamp: Uint32Array;
  private serial = 0;
  /** The conditions that hold on the current event, in load order. */
  private readonly held: number[] = [];
  private readonly hold = (rule: EngineRule): void => {
    this.stamp[rule.index] = this.serial;
    this.held.push(rule.index);
  };

  constructor(readonly changed: readonly ChangedCondition[]) {
    this.set = new Ruleset(
      changed.flatMap((c) => [c.before.rule, c.after.rule]),
      'all',
    );
    this.stamp = new Uint32Array(changed.length * 2);
  }

  /** Calls `differs` with each changed rule whose conditions disagree on the event (`after`: the new one holds). */
  compare(event: EngineEvent, differs: (name: string, after: boolean) => void): void {
    if (this.changed.length === 0) return;
    if (this.serial === 0xffffffff) {
      this.stamp.fill(0);
      this.serial = 0;
    }
    const serial = ++this.serial;
    const held = this.held;
    // Emptied only when it holds something: setting the length is a call of its own.
    if (held.length !== 0) held.length = 0;
    this.set.fire(event, this.hold);
    for (let i = 0; i < held.length; i++) {
      const at = held[i] as number;
      // Only one of the two holds: the other (its partner in the pair) was not stamped.
      if (this.stamp[at ^ 1] !== serial)
        differs((this.changed[at >> 1] as ChangedCondition).name, (at & 1) === 1);
    }
  }
}
