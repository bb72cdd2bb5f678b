import { parseCpuSeconds, parseMachineBusySeconds, parseMemory } from './proc-stats';

describe('/proc parsers', () => {
  it('reads VmRSS and VmHWM in bytes', () => {
    const status = ['Name:\tnode', 'VmPeak:\t 1200000 kB', 'VmHWM:\t  250000 kB', 'VmRSS:\t  180000 kB', 'Threads:\t11'].join('\n');
    expect(parseMemory(status)).toEqual({ rssBytes: 180000 * 1024, hwmBytes: 250000 * 1024 });
  });

  it('refuses a status without VmRSS (a kernel thread, or not a status file)', () => {
    expect(() => parseMemory('Name:\tkthreadd\n')).toThrow('VmRSS');
  });

  it('adds utime and stime, even when the command name holds spaces and parentheses', () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
    const stat = '4242 (node (bench) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 56 0 0 20 0 11 0 999 0 0';
    expect(parseCpuSeconds(stat)).toBeCloseTo(12.9);
  });

  it('counts every busy column of the machine but idle and iowait', () => {
    // cpu user nice system idle iowait irq softirq steal guest guest_nice
    const stat = 'cpu  1000 10 200 90000 500 3 7 30 0 0\ncpu0 500 5 100 45000 250 1 3 15 0 0\n';
    expect(parseMachineBusySeconds(stat)).toBeCloseTo((1000 + 10 + 200 + 3 + 7 + 30) / 100);
  });
});
