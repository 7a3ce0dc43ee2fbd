// Issue #12: credentials in webhook URLs are masked wherever a URL is shown, and userinfo is sent as Basic auth.
import { describe, expect, it } from 'vitest';
import { redact } from '../../src/subscribers/registry.js';
import { basicAuthOf, maskUrlSecrets } from '../../src/subscribers/mask-url.js';
import { webhookSubscriber } from '../support/subscriber.js';

describe('maskUrlSecrets', () => {
  it('masks userinfo, whole', () => {
    expect(maskUrlSecrets('https://user:pass@hooks.example.org/in')).toBe('https://***@hooks.example.org/in');
    expect(maskUrlSecrets('https://onlyuser@hooks.example.org/in')).toBe('https://***@hooks.example.org/in');
  });

  it.each(['token', 'key', 'secret', 'sig', 'signature', 'password', 'auth', 'access_token', 'api_key', 'API-Key', 'x_api_key', 'hook_token'])(
    'masks the value of a query parameter named %s',
    (name) => {
      expect(maskUrlSecrets(`https://hooks.example.org/in?${name}=abc&lang=ar`)).toBe(`https://hooks.example.org/in?${name}=***&lang=ar`);
    },
  );

  it('masks a value of 16+ characters of base64 or hex whatever its name, and keeps ordinary ones', () => {
    expect(maskUrlSecrets('https://h.example/in?id=0123456789abcdef&x=dGhpcyBpcyBhIGxvbmcga2V5&lang=ar&page=2')).toBe('https://h.example/in?id=***&x=***&lang=ar&page=2');
    expect(maskUrlSecrets('https://h.example/in?q=short')).toBe('https://h.example/in?q=short');
  });

  it('leaves a URL without secrets as it was', () => {
    for (const u of ['https://hooks.example.org/in', 'http://127.0.0.1:8080/hooks/marsad?lang=ar', 'https://h.example/a#frag']) expect(maskUrlSecrets(u)).toBe(u);
  });

  it('masks everything at once and leaks none of it', () => {
    const masked = maskUrlSecrets('https://ops:s3cr3t-pa55@hooks.example.org:8443/in/x?token=tok-42&sig=zz&lang=ar');
    expect(masked).toBe('https://***@hooks.example.org:8443/in/x?token=***&sig=***&lang=ar');
    for (const leak of ['ops', 's3cr3t', 'tok-42', 'zz']) expect(masked).not.toContain(leak);
  });
});

describe('redact', () => {
  it('masks the webhook URL as well as the secret', () => {
    const shown = redact({ ...webhookSubscriber({ id: 'ops', url: 'https://ops:s3cr3t@hooks.example.org/in?token=tok-42', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }), secretGenerated: false } as Parameters<typeof redact>[0]);
    expect(shown).toMatchObject({ url: 'https://***@hooks.example.org/in?token=***', secret: 'whsec_…LaSw' });
  });
});

describe('basicAuthOf', () => {
  it('turns userinfo (percent-decoded) into a Basic authorization value, and nothing else', () => {
    expect(basicAuthOf(new URL('https://u%40x:p%3Ass@h.example/'))).toBe(`Basic ${Buffer.from('u@x:p:ss').toString('base64')}`);
    expect(basicAuthOf(new URL('https://h.example/?token=x'))).toBeNull();
  });
});
