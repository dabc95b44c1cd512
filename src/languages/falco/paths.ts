/** Where Falco rules files are in the repository layout of PRODUCT.md. */
export const FALCO_PATHS: readonly string[] = ['policies/falco/**/*.yaml', 'policies/falco/**/*.yml'];
