/** Phase timing (`CHS_TIMING=1`, the benchmarks): wall clock and CPU time of each phase of a run. */

/** Time spent, in milliseconds: wall clock, and CPU time (user + system) where it was measured. */
export interface Spent {
  wall: number;
  cpu?: number;
}

/**
 * A clock that reports to `onPhase` the time since its last tick, under the phase's name (a tick
 * without a name only restarts it); without a listener, it measures nothing at all.
 */
export function phaseClock(
  onPhase: ((phase: string, spent: Spent) => void) | undefined,
): (phase?: string) => void {
  if (!onPhase) return () => undefined;
  let cpu = process.cpuUsage();
  let wall = performance.now();
  return (phase) => {
    const used = process.cpuUsage(cpu);
    if (phase !== undefined)
      onPhase(phase, { cpu: (used.user + used.system) / 1000, wall: performance.now() - wall });
    cpu = process.cpuUsage();
    wall = performance.now();
  };
}

/** One line of `CHS_TIMING=1` output. */
export function timingLine(phase: string, spent: Spent, width: number): string {
  const cpu = spent.cpu === undefined ? '' : ` (CPU ${spent.cpu.toFixed(1)} ms)`;
  return `chs timing: ${phase.padEnd(width)} ${spent.wall.toFixed(1).padStart(8)} ms${cpu}\n`;
}
