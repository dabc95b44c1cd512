/**
 * Runs before every test file: the machine's AppArmor system root is never read by a test. Child
 * processes (the CLI tests run the built `chs`) inherit the variable.
 */
import { APPARMOR_SYSTEM } from './helpers/apparmor-system.js';

process.env.CHS_APPARMOR_SYSTEM_ROOT = APPARMOR_SYSTEM;
