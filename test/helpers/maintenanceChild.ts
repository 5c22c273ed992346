// Maintenance in a child process, for crash tests.
// usage: node maintenanceChild.js DB TIER [PAUSE_AT]
// Prints "EVENT <kind>:<op>" for every step event; at PAUSE_AT (e.g. step-start:vacuum) it prints "PAUSED"
// and waits forever, so the parent can SIGKILL it there (or SIGKILL it a moment after an event).
import { runMaintenance } from '../../src/core/maintenance/maintenance';
import { MaintenanceTier } from '../../src/core/maintenance/plan';

const [dbPath, tier, pauseAt = 'none'] = process.argv.slice(2);

runMaintenance({
  dbPath,
  tier: tier as MaintenanceTier,
  busyTimeoutMs: 10000,
  onStep: async (e) => {
    const at = `${e.kind}:${e.op ?? ''}`;
    process.stdout.write(`EVENT ${at}\n`);
    if (at !== pauseAt) return;
    process.stdout.write('PAUSED\n');
    await new Promise(() => setInterval(() => undefined, 1000));
  },
}).then(
  (r) => process.stdout.write(`RESULT ${JSON.stringify({ status: r.status, error: r.error })}\n`),
  (err: unknown) => {
    process.stdout.write(`ERROR ${String(err)}\n`);
    process.exitCode = 1;
  },
);
