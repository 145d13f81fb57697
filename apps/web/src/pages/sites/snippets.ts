/**
 * The lines a site's owner pastes, built from what GET /v1/sites gives (its key and Piquet's URLs):
 * the same blocks README documents and test/sites-access (nginx) and test/sites-caddy run.
 */
export interface SiteEmbed {
  publicKey: string;
  embed: { script: string; sha256: string; iframe: string; accessUrl: string };
}

/** Piquet's address as the site's proxy reaches it (host:port, the port always said), from the access URL. */
export function piquetHost(site: SiteEmbed): string {
  const url = new URL(site.embed.accessUrl);
  return `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
}

const isHttps = (site: SiteEmbed) => new URL(site.embed.accessUrl).protocol === 'https:';

/** Behind TLS, nginx must name the host in the handshake and the request. */
function nginxTls(site: SiteEmbed): string {
  if (!isHttps(site)) return '';
  const host = new URL(site.embed.accessUrl).hostname;
  return `\n    proxy_ssl_server_name on;\n    proxy_ssl_name ${host};\n    proxy_set_header Host ${host};`;
}

function accessPath(site: SiteEmbed): string {
  return new URL(site.embed.accessUrl).pathname;
}

/** The script tag with a nonce attribute to fill in under a CSP that allows scripts by nonce. */
export function scriptWithNonce(site: SiteEmbed): string {
  return site.embed.script.replace('<script ', '<script nonce="YOUR_PAGE_NONCE" ');
}

export function noScriptFrame(site: SiteEmbed, lang: 'fr' | 'en'): string {
  return `<noscript><iframe src="${site.embed.iframe}?lang=${lang}" title="${lang === 'fr' ? 'Grève' : 'Strike'}" width="100%" height="48"></iframe></noscript>`;
}

export function cspLine(site: SiteEmbed): string {
  const origin = new URL(site.embed.accessUrl).origin;
  return `Content-Security-Policy: script-src 'nonce-YOUR_PAGE_NONCE' 'sha256-${site.embed.sha256}'; connect-src ${origin}; frame-src ${origin}`;
}

export function nginxSnippet(site: SiteEmbed): string {
  const path = accessPath(site);
  const scheme = isHttps(site) ? 'https' : 'http';
  const tls = nginxTls(site);
  return `# http { … }
proxy_cache_path /var/cache/nginx/piquet keys_zone=piquet:1m max_size=10m inactive=1m;
upstream piquet { server ${piquetHost(site)}; keepalive 8; }

# server { … } of the site
location / {
    auth_request /_piquet/access;
    auth_request_set $piquet_closed $upstream_http_retry_after;
    error_page 500 = @piquet;
    try_files $uri $uri/ =404;            # or proxy_pass to the site's application
}
location @piquet {
    if ($piquet_closed) { rewrite ^ /_piquet/closed last; }
    try_files $uri $uri/ =404;            # the same as location / (without auth_request)
}
location = /_piquet/access {
    internal;
    proxy_pass ${scheme}://piquet${path};${tls}
    proxy_method GET;
    proxy_pass_request_body off;
    proxy_set_header Content-Length "";
    proxy_set_header X-Original-URI $request_uri;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_connect_timeout 1s;
    proxy_read_timeout 2s;
    proxy_cache piquet;
    proxy_cache_key $request_uri;
}
location = /_piquet/closed {
    internal;
    proxy_pass ${scheme}://piquet${path};${tls}
    proxy_method GET;
    proxy_pass_request_body off;
    proxy_set_header Content-Length "";
    proxy_set_header X-Original-URI $request_uri;
}`;
}

export function caddySnippet(site: SiteEmbed, address = 'journal.example', root = '/srv/journal'): string {
  return `${address} {
	root * ${root}
	forward_auth ${isHttps(site) ? `https://${piquetHost(site)}` : piquetHost(site)} {
		uri ${accessPath(site)}${isHttps(site) ? `\n\t\theader_up Host {upstream_hostport}` : ''}
		transport http {
			dial_timeout 1s
			response_header_timeout 2s
		}
	}
	file_server
	handle_errors {
		@piquet_unreachable expression \`{http.error.status_code} in [502, 503, 504]\`
		handle @piquet_unreachable {
			file_server {
				status 200
			}
		}
	}
}`;
}
