import { waitFor } from '../../test-kit/wait-for';
import { ChildGroup } from './child-group';

/**
 * A node child that prints its name, then waits; on SIGINT it says so and exits 0. The handler
 * is in place before the "up" line: a loaded machine can deschedule the child between the two,
 * and a SIGINT sent on seeing "up" would then kill it silently.
 */
const child = (name: string, extra = '') => [
  '-e',
  `process.on('SIGINT', () => { console.log('${name} stopping'); process.exit(0); }); console.log('${name} up'); setInterval(() => {}, 1000); ${extra}`,
];

describe('ChildGroup', () => {
  let output: string[];
  let group: ChildGroup;

  beforeEach(() => {
    output = [];
    group = new ChildGroup({ write: (text) => output.push(text), tagWidth: 8, stopDeadlineMs: 5_000 });
  });
  afterEach(() => group.killAll());

  const seen = (line: string) =>
    waitFor(() => output.includes(line), { timeoutMs: 4_000, intervalMs: 10, description: `output ${JSON.stringify(line)}` });

  it('prefixes each child output line with its tag and stops children newest first', async () => {
    group.spawn('cloud', child('cloud'), process.env);
    group.spawn('api', child('api'), process.env);
    await Promise.all([seen('[cloud]  cloud up\n'), seen('[api]    api up\n')]);
    await group.stopAll();
    const stops = output.filter((line) => line.includes('stopping'));
    expect(stops).toEqual(['[api]    api stopping\n', '[cloud]  cloud stopping\n']);
  });

  it('reports a child that dies on its own, with its exit code', async () => {
    const exits: string[] = [];
    group.onUnexpectedExit((c, code) => exits.push(`${c.tag}:${code}`));
    const dying = group.spawn('worker', ['-e', "console.error('boom'); process.exit(3)"], process.env);
    await dying.exited;
    expect(output).toContain('[worker] boom\n');
    expect(exits).toEqual(['worker:3']);
  });

  it('does not report children it stopped itself', async () => {
    const exits: string[] = [];
    group.onUnexpectedExit((c) => exits.push(c.tag));
    group.spawn('api', child('api'), process.env);
    await seen('[api]    api up\n');
    await group.stopAll();
    expect(exits).toEqual([]);
  });

  it('kills a child that ignores SIGINT once the deadline passes', async () => {
    group = new ChildGroup({ write: (text) => output.push(text), tagWidth: 8, stopDeadlineMs: 200 });
    const stubborn = group.spawn('api', ['-e', "process.on('SIGINT', () => {}); console.log('up'); setInterval(() => {}, 1000)"], process.env);
    await seen('[api]    up\n');
    await group.stopAll();
    await expect(stubborn.exited).resolves.toEqual({ code: null, signal: 'SIGKILL' });
  });
});
