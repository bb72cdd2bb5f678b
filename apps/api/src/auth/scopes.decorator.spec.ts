import { REQUIRED_SCOPES, Scopes } from './scopes.decorator';

describe('@Scopes()', () => {
  it('records one requirement per decorator, on the class or the method', () => {
    @Scopes('a', 'b')
    class Probe {
      @Scopes('c') @Scopes('d') route(): void {}
    }
    expect(Reflect.getMetadata(REQUIRED_SCOPES, Probe)).toEqual([['a', 'b']]);
    expect(Reflect.getMetadata(REQUIRED_SCOPES, Probe.prototype.route)).toEqual([['d'], ['c']]);
  });

  it.each([[[]], [['']], [['two words']]])('refuses %j at decoration time', (scopes) => {
    expect(() => Scopes(...scopes)).toThrow(/@Scopes\(\) needs/);
  });
});
