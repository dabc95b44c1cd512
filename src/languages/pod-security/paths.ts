/** Where pod security policies are in the repository layout of PRODUCT.md. */
export const POD_SECURITY_PATHS: readonly string[] = [
  'policies/pod-security/**/*.yaml',
  'policies/pod-security/**/*.yml',
];
