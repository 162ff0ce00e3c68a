import { crossSiteReason, OriginFacts } from './same-origin';

function post(headers: Record<string, string>, host = 'localhost:3000'): OriginFacts {
  return { method: 'POST', headers, protocol: 'http', host };
}

describe('crossSiteReason', () => {
  it('lets safe methods through whatever their origin', () => {
    expect(
      crossSiteReason({ ...post({ origin: 'https://evil.example' }), method: 'GET' }),
    ).toBeNull();
  });

  it('refuses another origin or another site, and accepts the same origin', () => {
    expect(crossSiteReason(post({ origin: 'https://evil.example' }))).toMatch(/another origin/);
    expect(crossSiteReason(post({ 'sec-fetch-site': 'cross-site' }))).toMatch(/cross-site/);
    expect(crossSiteReason(post({ 'sec-fetch-site': 'same-site' }))).toMatch(/same-site/);
    expect(crossSiteReason(post({ origin: 'null' }))).not.toBeNull();
    expect(
      crossSiteReason(post({ origin: 'http://localhost:3000', 'sec-fetch-site': 'same-origin' })),
    ).toBeNull();
  });

  it('compares with the configured public origin when there is one', () => {
    const behindProxy = post({ origin: 'https://salt.example.org' }, 'app:3000');
    expect(crossSiteReason(behindProxy)).not.toBeNull();
    expect(crossSiteReason(behindProxy, 'https://salt.example.org')).toBeNull();
    expect(
      crossSiteReason(post({ origin: 'http://localhost:3000' }), 'https://salt.example.org'),
    ).not.toBeNull();
  });

  it('exempts non-browser clients: no Origin, or a Bearer token', () => {
    expect(crossSiteReason(post({}))).toBeNull();
    expect(
      crossSiteReason(post({ origin: 'https://evil.example', authorization: 'Bearer sat_x' })),
    ).toBeNull();
  });
});
