import { describe, expect, it } from '@jest/globals';
import { caddySnippet, cspLine, nginxSnippet, noScriptFrame, scriptWithNonce } from './snippets';

const site = {
  publicKey: 'pqs_AAAAAAAAAAAAAAAAAAAAAA',
  embed: {
    script: '<script src="https://piquet.example/v1/public/embed.js" data-site="pqs_AAAAAAAAAAAAAAAAAAAAAA" async></script>',
    sha256: 'abc=',
    iframe: 'https://piquet.example/v1/public/sites/pqs_AAAAAAAAAAAAAAAAAAAAAA/frame',
    accessUrl: 'https://piquet.example/v1/public/sites/pqs_AAAAAAAAAAAAAAAAAAAAAA/access',
  },
};

describe('site snippets', () => {
  it('puts the nonce on the script tag and the site key everywhere', () => {
    expect(scriptWithNonce(site)).toBe('<script nonce="YOUR_PAGE_NONCE" src="https://piquet.example/v1/public/embed.js" data-site="pqs_AAAAAAAAAAAAAAAAAAAAAA" async></script>');
    expect(noScriptFrame(site, 'fr')).toBe(
      '<noscript><iframe src="https://piquet.example/v1/public/sites/pqs_AAAAAAAAAAAAAAAAAAAAAA/frame?lang=fr" title="Grève" width="100%" height="48"></iframe></noscript>',
    );
    expect(cspLine(site)).toBe("Content-Security-Policy: script-src 'nonce-YOUR_PAGE_NONCE' 'sha256-abc='; connect-src https://piquet.example; frame-src https://piquet.example");
  });

  it('points the proxies at the site access endpoint', () => {
    expect(nginxSnippet(site)).toContain('upstream piquet { server piquet.example:443; keepalive 8; }');
    expect(nginxSnippet(site).match(/proxy_pass https:\/\/piquet\/v1\/public\/sites\/pqs_AAAAAAAAAAAAAAAAAAAAAA\/access;\n {4}proxy_ssl_server_name on;/g)).toHaveLength(2);
    expect(caddySnippet(site)).toContain('forward_auth https://piquet.example:443 {\n\t\turi /v1/public/sites/pqs_AAAAAAAAAAAAAAAAAAAAAA/access\n\t\theader_up Host {upstream_hostport}');
  });

  it('speaks plain HTTP to a Piquet on a local port', () => {
    const local = { ...site, embed: { ...site.embed, accessUrl: 'http://127.0.0.1:3000/v1/public/sites/pqs_AAAAAAAAAAAAAAAAAAAAAA/access' } };
    expect(nginxSnippet(local)).toContain('upstream piquet { server 127.0.0.1:3000; keepalive 8; }');
    expect(nginxSnippet(local)).not.toContain('proxy_ssl');
    expect(caddySnippet(local)).toContain('forward_auth 127.0.0.1:3000 {\n\t\turi /v1/public/sites/pqs_AAAAAAAAAAAAAAAAAAAAAA/access\n\t\ttransport http {');
  });
});
