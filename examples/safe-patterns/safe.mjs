import { spawn } from 'node:child_process';
import { lookup } from 'node:dns';

// ok: env-mutation-after-thread-spawn
process.env.BEFORE_ANY_THREADPOOL_WORK = '1';

lookup('localhost', () => {
  // ok: env-mutation-after-thread-spawn
  spawn('true', [], { env: { ...process.env, ONLY_FOR_CHILD: '1' } });
});
