import { Groups, REQUIRED_GROUPS } from './groups.decorator';

describe('@Groups()', () => {
  it('records one requirement per decorator, on the class or the method', () => {
    @Groups('admins', 'owners')
    class Probe {
      @Groups('x') @Groups('y', 'z') route(): void {}
    }
    expect(Reflect.getMetadata(REQUIRED_GROUPS, Probe)).toEqual([['admins', 'owners']]);
    expect(Reflect.getMetadata(REQUIRED_GROUPS, Probe.prototype.route)).toEqual([['y', 'z'], ['x']]);
  });

  it.each([[[]], [[' ']]])('refuses %j at decoration time', (groups) => {
    expect(() => Groups(...groups)).toThrow(/@Groups\(\) needs/);
  });
});
