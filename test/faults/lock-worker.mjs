// A process taking the lock of test/faults/lock.test.ts, from the built module.
// argv: lockPath log startAtMs rounds dieAtRound crashStep
import { appendFileSync } from 'node:fs';
import { acquirePidLock } from '../../dist/session/lock.js';

const [lockPath, log, startAt, rounds, dieAt, crashStep] = process.argv.slice(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const say = (what) => appendFileSync(log, `${what} ${process.pid}\n`);

while (Date.now() < Number(startAt)) await sleep(1);
const held = new Error('held');
const onStep = (step) => {
  if (step === crashStep) process.kill(process.pid, 'SIGKILL');
};
for (let round = 0; round < Number(rounds); round++) {
  let release;
  try {
    release = await acquirePidLock(lockPath, () => held, { onStep });
  } catch (error) {
    if (error !== held) throw error;
    await sleep(Math.random() * 3);
    continue;
  }
  say('enter');
  await sleep(Math.random() * 3);
  if (round === Number(dieAt)) {
    say('die');
    process.kill(process.pid, 'SIGKILL');
  }
  say('exit');
  await release();
}
