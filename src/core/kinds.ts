/**
 * A policy language's kind (`falco`, `apparmor`, ...). The kinds, and their order (the order in
 * which files are linted and reported), are those of the languages list in
 * src/languages/index.ts: core knows no kind by name.
 */
export type PolicyKind = string;

/** A policy's mode: `monitor` alerts and audits (the default), `block` enforces. */
export type Mode = 'monitor' | 'block';
