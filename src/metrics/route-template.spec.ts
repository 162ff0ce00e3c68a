import { methodLabel, ROUTE_LABEL, routeTemplate } from './route-template';

const ok = { statusCode: 200, locals: {} };

describe('routeTemplate', () => {
  it('is the matched route, with the mount it sits under, never the URL', () => {
    const request = {
      method: 'GET',
      path: '/api/v1/photo-sets/4c3e1d7a-0000-4000-8000-000000000000',
      baseUrl: '',
      route: { path: '/api/v1/photo-sets/:id' },
    };
    expect(routeTemplate(request, ok)).toBe('/api/v1/photo-sets/:id');
    expect(
      routeTemplate(
        {
          method: 'GET',
          path: '/api/queues',
          baseUrl: '/admin/queues',
          route: { path: '/api/queues' },
        },
        ok,
      ),
    ).toBe('/admin/queues/api/queues');
  });

  it('takes the name a mount gave itself when no route matched', () => {
    const response = { statusCode: 404, locals: { [ROUTE_LABEL]: '/admin/queues' } };
    expect(routeTemplate({ method: 'GET', path: '/admin/queues/static/x.js' }, response)).toBe(
      '/admin/queues',
    );
  });

  it('groups everything else under web or unmatched', () => {
    expect(routeTemplate({ method: 'GET', path: '/reads/next' }, ok)).toBe('web');
    expect(routeTemplate({ method: 'GET', path: '/nope' }, { statusCode: 404, locals: {} })).toBe(
      'unmatched',
    );
    expect(
      routeTemplate(
        { method: 'GET', path: '/api/v1/made-up/123' },
        { statusCode: 404, locals: {} },
      ),
    ).toBe('unmatched');
    expect(
      routeTemplate({ method: 'POST', path: '/api/v1/x' }, { statusCode: 403, locals: {} }),
    ).toBe('unmatched');
    const caughtByNest = { method: 'GET', path: '/api/v1/x/1', route: { path: '/api/v1*path' } };
    expect(routeTemplate(caughtByNest, { statusCode: 404, locals: {} })).toBe('unmatched');
  });
});

describe('methodLabel', () => {
  it('keeps the HTTP methods and folds made-up ones into OTHER', () => {
    expect(methodLabel('get')).toBe('GET');
    expect(methodLabel('PATCH')).toBe('PATCH');
    expect(methodLabel('BREW')).toBe('OTHER');
  });
});
