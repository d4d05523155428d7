import { unknownFerryVariables } from './unknown-variables.guard';

const KNOWN = ['FERRY_REGION', 'FERRY_PSEUDONYM_KEY', 'HTTP_PORT'];

describe('unknownFerryVariables', () => {
  it('suggests the known name one transposition away', () => {
    expect(unknownFerryVariables({ FERRY_REGOIN: 'x' }, KNOWN)).toEqual([
      'FERRY_REGOIN is not a setting of this service (did you mean FERRY_REGION?)',
    ]);
  });

  it('reports a far-off name without a suggestion', () => {
    expect(unknownFerryVariables({ FERRY_COLOUR: 'x' }, KNOWN)).toEqual([
      'FERRY_COLOUR is not a setting of this service',
    ]);
  });

  it('ignores variables outside the FERRY_ namespace and known ones', () => {
    expect(unknownFerryVariables({ PATH: '/bin', HTTP_PROT: '1', FERRY_REGION: 'x' }, KNOWN)).toEqual([]);
  });

  it('ignores the FERRY_TEST_ variables test tooling sets', () => {
    expect(unknownFerryVariables({ FERRY_TEST_KIND: 'unit' }, KNOWN)).toEqual([]);
  });

  it('never includes the value', () => {
    const [warning] = unknownFerryVariables({ FERRY_PSEUDONYM_KYE: 'c2VjcmV0LXNlY3JldA==' }, KNOWN);
    expect(warning).toContain('FERRY_PSEUDONYM_KEY');
    expect(warning).not.toContain('c2VjcmV0');
  });
});
