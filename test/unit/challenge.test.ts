import { describe, expect, it } from 'vitest';
import { parseChallenges, pickChallenge } from '../../electron/core/registry/challenge.js';

describe('WWW-Authenticate parsing', () => {
  it('keeps parameter values byte for byte, realm URL included', () => {
    const [c] = parseChallenges('Bearer realm="https://Auth.Example.com/Token?X=1",service="Registry.Example.com",scope="repository:Org/App:pull"');
    expect(c).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://Auth.Example.com/Token?X=1', service: 'Registry.Example.com', scope: 'repository:Org/App:pull' },
    });
  });

  it('handles commas and escapes inside quotes, odd spacing and case in names', () => {
    const [c] = parseChallenges('BEARER  Realm = "https://a/t" , Scope="repository:a:pull,push", error="say \\"hi\\""');
    expect(c!.params).toEqual({ realm: 'https://a/t', scope: 'repository:a:pull,push', error: 'say "hi"' });
  });

  it('splits several challenges and prefers Bearer over Basic', () => {
    const list = parseChallenges('Basic realm="Registry Realm", Bearer realm="https://t/token",service=svc');
    expect(list.map((c) => c.scheme)).toEqual(['basic', 'bearer']);
    expect(pickChallenge(list)!.params).toEqual({ realm: 'https://t/token', service: 'svc' });
    expect(pickChallenge(parseChallenges('Basic realm="x"'))!.scheme).toBe('basic');
    expect(pickChallenge(parseChallenges('Negotiate abc=='))).toBeNull();
  });

  it('accepts unquoted token values', () => {
    expect(parseChallenges('Bearer realm=https://t/token,service=svc')[0]!.params).toEqual({ realm: 'https://t/token', service: 'svc' });
  });

  it('reports an unterminated quoted string', () => {
    expect(() => parseChallenges('Bearer realm="https://t')).toThrow(/unterminated/);
  });
});

describe('several WWW-Authenticate lines, joined', () => {
  it('keeps Bearer preferred when a Basic line comes first, and skips schemes we do not speak', () => {
    const lines = ['Negotiate', 'Basic realm="corp"', 'Bearer realm="https://auth.example/token",service="registry"'];
    expect(pickChallenge(parseChallenges(lines.join(', ')))).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.example/token', service: 'registry' },
    });
    expect(pickChallenge(parseChallenges(['Negotiate', 'Basic realm="corp"'].join(', ')))).toEqual({ scheme: 'basic', params: { realm: 'corp' } });
  });
});

describe('challenges as registries really send them', () => {
  it('reads tabs, escapes, bare values and several challenges in one header', () => {
    expect(parseChallenges('Bearer\trealm="https://auth.example/token",\tservice="reg\\"istry",scope=repository:a/b:pull')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.example/token', service: 'reg"istry', scope: 'repository:a/b:pull' } },
    ]);
    // A bare value ends at a comma, a space or a tab; the next parameter is still read.
    expect(parseChallenges('Bearer realm=https://a/t service=x')).toEqual([{ scheme: 'bearer', params: { realm: 'https://a/t', service: 'x' } }]);
    expect(parseChallenges('Bearer realm=https://a/t,service=x\tscope=y')[0]!.params).toEqual({ realm: 'https://a/t', service: 'x', scope: 'y' });
    expect(parseChallenges('Basic realm="a, b", Bearer realm="c"')).toEqual([
      { scheme: 'basic', params: { realm: 'a, b' } },
      { scheme: 'bearer', params: { realm: 'c' } },
    ]);
    // token68 padding and stray punctuation are stepped over.
    expect(parseChallenges('Negotiate ==, Basic realm="r"')).toEqual([
      { scheme: 'negotiate', params: {} },
      { scheme: 'basic', params: { realm: 'r' } },
    ]);
    expect(parseChallenges('Negotiate abc==, Basic realm="r"')[0]).toEqual({ scheme: 'negotiate', params: { abc: '=' } });
    expect(parseChallenges('  ,, ')).toEqual([]);
    expect(parseChallenges('Bearer realm=""')).toEqual([{ scheme: 'bearer', params: { realm: '' } }]);
    expect(parseChallenges('Bearer realm="x\\\\y"')[0]!.params.realm).toBe('x\\y');
  });

  it('refuses an unterminated quote, naming the header', () => {
    expect(() => parseChallenges('Bearer realm="https://a')).toThrow('unterminated quoted string in WWW-Authenticate: Bearer realm="https://a');
    expect(() => parseChallenges('Bearer realm="ends with escape\\')).toThrow('unterminated quoted string');
  });

  it('answers Bearer before Basic, and nothing it cannot speak', () => {
    const basic = { scheme: 'basic', params: {} };
    const bearer = { scheme: 'bearer', params: {} };
    expect(pickChallenge([basic, bearer])).toBe(bearer);
    expect(pickChallenge([basic])).toBe(basic);
    expect(pickChallenge([{ scheme: 'negotiate', params: {} }])).toBeNull();
  });

  it('reads tabs around the equals sign as blanks, as the grammar allows', () => {
    expect(parseChallenges('Bearer realm\t=\t"https://t/token",\tservice\t=\tsvc')[0]).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://t/token', service: 'svc' },
    });
  });
});
