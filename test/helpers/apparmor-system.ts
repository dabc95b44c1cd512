/**
 * The AppArmor system root the tests use instead of the machine's /etc/apparmor.d: a small one of
 * our own (test/fixtures/apparmor-system), so that what a machine happens to hold never decides a
 * test. test/setup.ts makes it every test's CHS_APPARMOR_SYSTEM_ROOT; a test that wants no system
 * root sets that variable to the empty string.
 */
import { fileURLToPath } from 'node:url';

export const APPARMOR_SYSTEM = fileURLToPath(new URL('../fixtures/apparmor-system', import.meta.url));
