// Types of scripts/ci-templates.mjs, for the tests that import it.
export const TEMPLATES: readonly string[];
export const START: string;
export const END: string;
export function readInputs(text: string, name: string): [string, Record<string, unknown>][];
export function inputsTable(text: string, name: string): string;
export function inputsSection(root: string): string;
export function expectedFiles(root: string): Map<string, string>;
export function staleFiles(root: string): string[];
export const PAGE: string;
